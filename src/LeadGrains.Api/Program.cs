using LeadGrains.Api.Dashboard;
using LeadGrains.Api.Health;
using LeadGrains.Api.Hosting;
using LeadGrains.Silo.Hosting;

// The thin front end: operations endpoints now, the admin API per resource later. In local mode
// (cohosted) it also runs a silo; in client mode it joins a cluster of LeadGrains.Silo processes.
var builder = WebApplication.CreateBuilder(args);
builder.AddLeadGrainsObservability("leadgrains-api");
builder.AddApiTelemetry();
builder.AddLeadGrainsCluster();
builder.Services.AddReadinessChecks();

var app = builder.Build();
app.MapHealthEndpoints();
app.MapPrometheusScrapingEndpoint();
app.MapDashboard();
app.Run();

/// <summary>The API's entry point, public so tests can host it with <c>WebApplicationFactory&lt;Program&gt;</c>.</summary>
public partial class Program;
