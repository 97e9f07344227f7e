using LeadGrains.Data;
using LeadGrains.Hosting;
using LeadGrains.Silo.Hosting;

// A LeadGrains silo process: joins the cluster through the PostgreSQL membership table and serves
// /health/live and /metrics on its own HTTP port (set with --urls).
var builder = WebApplication.CreateBuilder(args);
var options = LeadGrainsClusterOptions.From(builder.Configuration);

if (args.Contains("migrate"))
{
    var ran = SchemaMigrator.Migrate(LeadGrainsClusterOptions.OwnerConnectionString(builder.Configuration));
    Console.WriteLine($"Applied {ran.Count} migration script(s).");
    return;
}

builder.AddLeadGrainsObservability("leadgrains-silo");
builder.AddLeadGrainsSiloHost(options);

var app = builder.Build();
app.MapGet("/health/live", () => Results.Ok(new { status = "live" }));
app.MapPrometheusScrapingEndpoint();
app.Run();
