using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace LeadGrains.Api.Health;

/// <summary>Liveness and readiness, for process supervisors and load balancers.</summary>
public static class HealthEndpoints
{
    private const string ReadinessTag = "ready";

    private static readonly JsonSerializerOptions ReportJson = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };

    /// <summary>The checks <c>/health/ready</c> runs: the database and the silo cluster.</summary>
    public static IServiceCollection AddReadinessChecks(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>("database", tags: [ReadinessTag])
            .AddCheck<ClusterHealthCheck>("cluster", tags: [ReadinessTag]);
        return services;
    }

    /// <summary>
    /// <c>/health/live</c> answers as long as the process serves requests; <c>/health/ready</c>
    /// answers 200 when every readiness check passes, 503 otherwise, listing each check.
    /// </summary>
    public static RouteGroupBuilder MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        var health = app.MapGroup("/health");
        // For orchestrators' probes, not for API clients: not in the OpenAPI document, as /ready is not.
        health.MapGet("/live", () => Results.Ok(new { status = "live" })).ExcludeFromDescription();
        health.MapHealthChecks("/ready", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(ReadinessTag),
            ResponseWriter = WriteReport,
        });
        return health;
    }

    private static Task WriteReport(HttpContext context, HealthReport report)
    {
        var body = new
        {
            Status = Describe(report.Status),
            DurationMs = (long)report.TotalDuration.TotalMilliseconds,
            Checks = report.Entries.ToDictionary(
                entry => entry.Key,
                entry => new { Status = Describe(entry.Value.Status), entry.Value.Description }),
        };
        return context.Response.WriteAsJsonAsync(body, ReportJson, context.RequestAborted);
    }

    private static string Describe(HealthStatus status) => status.ToString().ToLowerInvariant();
}
