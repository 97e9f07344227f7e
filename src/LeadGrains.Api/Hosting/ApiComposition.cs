using LeadGrains.Api.Audit;
using LeadGrains.Api.Auth;
using LeadGrains.Api.Dashboard;
using LeadGrains.Api.Delivery;
using LeadGrains.Api.Distribution;
using LeadGrains.Api.Errors;
using LeadGrains.Api.Health;
using LeadGrains.Api.Idempotency;
using LeadGrains.Api.Jobs;
using LeadGrains.Api.Json;
using LeadGrains.Api.Leads;
using LeadGrains.Api.Niches;
using LeadGrains.Api.OpenApi;
using LeadGrains.Api.OpsConsole;
using LeadGrains.Api.Platform;
using LeadGrains.Api.ProviderPortal;
using LeadGrains.Api.ProviderSelfService;
using LeadGrains.Api.Providers;
using LeadGrains.Api.Queues;
using LeadGrains.Api.RateLimiting;
using LeadGrains.Api.Reconciliation;
using LeadGrains.Api.Reports;
using LeadGrains.Api.Returns;
using LeadGrains.Api.Routing;
using LeadGrains.Hosting;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace LeadGrains.Api.Hosting;

/// <summary>
/// The admin HTTP API without its way to the grains: the API process adds a cluster client
/// (<see cref="ClusterClient"/>), the local all-in-one process a silo of its own.
/// </summary>
public static class ApiComposition
{
    /// <summary>Logs, telemetry, auth, rate limits, OpenAPI and the services the endpoints use.</summary>
    public static WebApplicationBuilder AddLeadGrainsApi(this WebApplicationBuilder builder)
    {
        builder.AddLeadGrainsObservability("leadgrains-api");
        builder.AddApiTelemetry();
        builder.AddManagementAddress();
        builder.AddTrustedProxies();
        builder.Services.AddLeadGrainsData();
        builder.AddRequestBounds();
        builder.AddLeadGrainsAuth();
        builder.AddOpsConsole();
        builder.AddProviderPortal();
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
        builder.Services.AddSingleton<ProviderAssignmentQueries>();
        builder.Services.AddSingleton<LeadCsvImport>();
        builder.Services.AddSingleton<LeadImportUploads>();
        builder.Services.AddSingleton<LeadImportQueries>();
        builder.Services.AddSingleton<AuditQueries>();
        builder.Services.AddSingleton<JobSchedules>();
        builder.Services.AddSingleton<FairnessQueries>();
        builder.Services.AddSingleton<ReportQueries>();
        builder.Services.AddSingleton<ReturnQueries>();
        builder.Services.AddSingleton<ReturnReportQueries>();
        builder.Services.AddSingleton<IssuedTokenValidator>();
        builder.Services.AddSingleton<RoutingQueries>();
        builder.Services.AddSingleton<RoutingRuleStore>();
        builder.Services.TryAddSingleton(TimeProvider.System);
        return builder;
    }

    /// <summary>The middleware pipeline and every endpoint.</summary>
    public static WebApplication MapLeadGrainsApi(this WebApplication app)
    {
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
        app.MapSubscriptionControlsEndpoints();
        app.MapLeadEndpoints();
        app.MapLeadImportEndpoints();
        app.MapLeadImportJobEndpoints();
        app.MapDistributionEndpoints();
        app.MapQueueEndpoints();
        app.MapAuditEndpoints();
        app.MapJobEndpoints();
        app.MapReconciliationEndpoints();
        app.MapFairnessEndpoints();
        app.MapReportEndpoints();
        app.MapRoutingIntakeEndpoints();
        app.MapRoutingRuleEndpoints();
        app.MapRoutingOperationsEndpoints();
        app.MapOpsConsole();
        app.MapDeliveryEndpoints();
        app.MapTemplateEndpoints();
        app.MapProviderSelfServiceEndpoints();
        app.MapOwnSubscriptionEndpoints();
        app.MapProviderReturnEndpoints();
        app.MapReturnEndpoints();
        app.MapReturnReportEndpoints();
        app.MapProviderPortal();
        return app;
    }
}
