using LeadGrains.Api.Audit;
using LeadGrains.Api.Auth;
using LeadGrains.Api.Dashboard;
using LeadGrains.Api.Delivery;
using LeadGrains.Api.Distribution;
using LeadGrains.Api.Errors;
using LeadGrains.Api.Health;
using LeadGrains.Api.Hosting;
using LeadGrains.Api.Idempotency;
using LeadGrains.Api.Jobs;
using LeadGrains.Api.Json;
using LeadGrains.Api.Leads;
using LeadGrains.Api.Niches;
using LeadGrains.Api.OpenApi;
using LeadGrains.Api.OpsConsole;
using LeadGrains.Api.Platform;
using LeadGrains.Api.ProviderSelfService;
using LeadGrains.Api.Providers;
using LeadGrains.Api.Queues;
using LeadGrains.Api.RateLimiting;
using LeadGrains.Api.Reconciliation;
using LeadGrains.Api.Reports;
using LeadGrains.Grains.Leads;
using LeadGrains.Silo.Hosting;
using Microsoft.Extensions.DependencyInjection.Extensions;

// The thin front end: authenticates, validates, forwards commands to grains and serves read-only
// pages from PostgreSQL. In local mode (cohosted) it also runs a silo; in client mode it joins a
// cluster of LeadGrains.Silo processes. "token ..." mints a dev token instead of serving.
if (args is ["token", .. var tokenArgs])
{
    var configuration = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory }).Configuration;
    Environment.ExitCode = TokenCommand.Run(configuration, tokenArgs, Console.Out, Console.Error);
    return;
}

var builder = WebApplication.CreateBuilder(args);
builder.AddLeadGrainsObservability("leadgrains-api");
builder.AddApiTelemetry();
builder.AddManagementAddress();
builder.AddTrustedProxies();
builder.AddLeadGrainsCluster();
builder.AddRequestBounds();
builder.AddLeadGrainsAuth();
builder.AddOpsConsole();
builder.Services.AddReadinessChecks();
builder.Services.ConfigureHttpJsonOptions(options => ApiJson.Configure(options.SerializerOptions));
builder.Services.AddLeadGrainsRateLimits(builder.Configuration);
builder.Services.AddLeadGrainsOpenApi();
builder.Services.AddSingleton<AuditLog>();
builder.Services.AddSingleton<IdempotencyStore>();
builder.Services.AddSingleton<NicheQueries>();
builder.Services.AddSingleton<ProviderQueries>();
builder.Services.AddSingleton<LeadQueries>();
builder.Services.AddSingleton<DistributionQueries>();
builder.Services.AddSingleton<DeliveryQueries>();
builder.Services.AddSingleton<LeadCsvImport>();
builder.Services.AddSingleton<AuditQueries>();
builder.Services.AddSingleton<JobSchedules>();
builder.Services.AddSingleton<FairnessQueries>();
builder.Services.AddSingleton<ReportQueries>();
builder.Services.TryAddSingleton(TimeProvider.System);

var app = builder.Build();
app.UseForwardedHeaders();
app.UseLeadGrainsRequestLogging();
app.UseMiddleware<ProblemMiddleware>();
app.UseMiddleware<StorableQueryMiddleware>();
app.UseStatusCodeProblems();
app.UseMiddleware<ClusterReadinessGate>();
app.UseRouting();
app.UseRequestTimeouts();
app.UseAuthentication();
app.UseRateLimiter();
app.UseAuthorization();
app.UseMiddleware<RequestBodyLimitMiddleware>();
app.UseMiddleware<IdempotencyMiddleware>();

app.MapManagementEndpoints();
app.MapOpenApi();
var dashboard = app.MapDashboard().ExcludeFromDescription();
if (!app.Services.GetRequiredService<AuthOptions>().LocalMode)
{
    dashboard.RequireAuthorization(Policies.Dashboard);
}
app.MapWorkspaceEndpoints();
app.MapNicheEndpoints();
app.MapProviderEndpoints();
app.MapSubscriptionEndpoints();
app.MapLeadEndpoints();
app.MapLeadImportEndpoints();
app.MapDistributionEndpoints();
app.MapQueueEndpoints();
app.MapAuditEndpoints();
app.MapJobEndpoints();
app.MapReconciliationEndpoints();
app.MapFairnessEndpoints();
app.MapReportEndpoints();
app.MapOpsConsole();
app.MapDeliveryEndpoints();
app.MapTemplateEndpoints();
app.MapProviderSelfServiceEndpoints();
app.Run();

/// <summary>The API's entry point, public so tests can host it with <c>WebApplicationFactory&lt;Program&gt;</c>.</summary>
public partial class Program;
