using LeadGrains.Api.Health;

namespace LeadGrains.Api.Hosting;

/// <summary>
/// Health and <c>/metrics</c>, on the API's own address by default, or — with
/// <c>LeadGrains:ManagementUrl</c> (e.g. <c>http://10.0.0.5:9464</c>) — on that address only, so they
/// can be bound to an internal interface while the API faces its clients.
/// </summary>
public static class ManagementEndpoints
{
    public const string UrlKey = "LeadGrains:ManagementUrl";

    /// <summary>Listens on the management address as well as the API's own (from <c>--urls</c>, or ASP.NET Core's default).</summary>
    public static WebApplicationBuilder AddManagementAddress(this WebApplicationBuilder builder)
    {
        if (ManagementUri(builder.Configuration) is { } management)
        {
            var api = builder.Configuration[WebHostDefaults.ServerUrlsKey] is { Length: > 0 } configured ? configured : "http://localhost:5000";
            builder.WebHost.UseUrls([.. api.Split(';', StringSplitOptions.RemoveEmptyEntries), management.GetLeftPart(UriPartial.Authority)]);
        }
        return builder;
    }

    public static WebApplication MapManagementEndpoints(this WebApplication app)
    {
        var health = app.MapHealthEndpoints();
        var metrics = app.MapPrometheusScrapingEndpoint();
        if (ManagementUri(app.Configuration) is { } management)
        {
            // Only requests that arrived on the management port reach them; the API's port answers 404.
            health.RequireHost($"*:{management.Port}");
            metrics.RequireHost($"*:{management.Port}");
        }
        return app;
    }

    private static Uri? ManagementUri(IConfiguration configuration) => configuration[UrlKey] switch
    {
        null or "" => null,
        var value when Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && !uri.IsDefaultPort => uri,
        var value => throw new InvalidOperationException($"{UrlKey} must be an http(s) URL with an explicit port, not '{value}'."),
    };
}
