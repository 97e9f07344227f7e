using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace LeadGrains.Api.Hosting;

/// <summary>The API's own signals on top of the shared observability setup.</summary>
public static class TelemetryExtensions
{
    /// <summary>HTTP server metrics and spans, so a request's trace starts at the front end.</summary>
    public static WebApplicationBuilder AddApiTelemetry(this WebApplicationBuilder builder)
    {
        builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics.AddAspNetCoreInstrumentation())
            .WithTracing(tracing => tracing.AddAspNetCoreInstrumentation());
        return builder;
    }
}
