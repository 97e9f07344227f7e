using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Serilog;
using Serilog.Formatting.Compact;
using Serilog.Formatting.Display;

namespace LeadGrains.Hosting;

/// <summary>Logs (Serilog, readable or JSON) and OpenTelemetry metrics and traces, the same for every LeadGrains process.</summary>
public static class ObservabilityExtensions
{
    public const string LogFormatKey = "LeadGrains:Logging:Format";

    private const string ReadableTemplate =
        "{Timestamp:HH:mm:ss.fff} {Level:u3} {SourceContext}: {Message:lj} {Properties:j} {TraceId}{NewLine}{Exception}";

    /// <summary>
    /// Serilog writes readable lines to the console, or compact JSON when <c>LeadGrains:Logging:Format</c>
    /// is <c>json</c> (production, where a collector parses them); trace and span ids ride on every
    /// event, so a request's log lines join up across the front end and the silos.
    /// </summary>
    public static IHostApplicationBuilder AddLeadGrainsObservability(this IHostApplicationBuilder builder, string serviceName)
    {
        var json = builder.Configuration[LogFormatKey] switch
        {
            null or "" or "text" => false,
            "json" => true,
            var other => throw new InvalidOperationException($"{LogFormatKey} must be text or json, not '{other}'."),
        };
        builder.Services.AddSerilog((services, logger) => logger
            .ReadFrom.Configuration(builder.Configuration)
            .MinimumLevel.Override("Orleans", Serilog.Events.LogEventLevel.Warning)
            .MinimumLevel.Override("Microsoft.AspNetCore", Serilog.Events.LogEventLevel.Warning)
            .MinimumLevel.Override("Polly", Serilog.Events.LogEventLevel.Warning)
            .Enrich.FromLogContext()
            .Enrich.WithProperty("service", serviceName)
            .WriteTo.Console(json ? new CompactJsonFormatter() : new MessageTemplateTextFormatter(ReadableTemplate)),
            // Each host keeps its own logger: with the static Log.Logger shared, the first host of a
            // process to stop (in tests, several run side by side) would silence all the others.
            preserveStaticLogger: true);

        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(serviceName, serviceInstanceId: Environment.MachineName + ":" + Environment.ProcessId))
            .WithMetrics(metrics => metrics
                .AddMeter("Microsoft.Orleans", "Npgsql")
                .AddRuntimeInstrumentation()
                .AddPrometheusExporter());
        if (TracesExported(builder.Configuration))
        {
            telemetry
                .WithTracing(tracing => tracing
                    .AddSource("Microsoft.Orleans.Application", "Microsoft.Orleans.Runtime")
                    .AddNpgsql())
                .UseOtlpExporter();
        }
        return builder;
    }

    /// <summary>
    /// A meter and trace source of code this host runs beyond Orleans and Npgsql: the grains'
    /// <c>LeadGrains</c>, added where a silo runs.
    /// </summary>
    public static IHostApplicationBuilder AddLeadGrainsTelemetrySource(this IHostApplicationBuilder builder, string name)
    {
        var telemetry = builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics.AddMeter(name));
        if (TracesExported(builder.Configuration))
        {
            telemetry.WithTracing(tracing => tracing.AddSource(name));
        }
        return builder;
    }

    // Spans only where they are exported: a listener without an exporter would still build an
    // activity for every grain call and database command on the distribution path.
    private static bool TracesExported(IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
}
