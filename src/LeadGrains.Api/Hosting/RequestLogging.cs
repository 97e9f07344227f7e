using Serilog;
using Serilog.Events;

namespace LeadGrains.Api.Hosting;

/// <summary>
/// One log event per request — method, route, status, duration, with the trace id every event
/// carries. Probes and scrapes (/health, /metrics) are logged only at Verbose, so they do not bury
/// the requests people make; failures always show.
/// </summary>
public static class RequestLogging
{
    public static IApplicationBuilder UseLeadGrainsRequestLogging(this IApplicationBuilder app) =>
        app.UseSerilogRequestLogging(options =>
        {
            // The host's own logger: the static one is left silent on purpose (ObservabilityExtensions).
            options.Logger = app.ApplicationServices.GetRequiredService<Serilog.ILogger>();
            options.MessageTemplate = "HTTP {RequestMethod} {RequestPath} answered {StatusCode} in {Elapsed:0.0} ms";
            options.GetLevel = (http, _, error) => error is not null || http.Response.StatusCode >= 500
                ? LogEventLevel.Error
                : IsProbe(http.Request.Path) ? LogEventLevel.Verbose : LogEventLevel.Information;
        });

    private static bool IsProbe(PathString path) =>
        path.StartsWithSegments("/health", StringComparison.Ordinal) || path.StartsWithSegments("/metrics", StringComparison.Ordinal);
}
