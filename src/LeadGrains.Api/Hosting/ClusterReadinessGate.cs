using System.Globalization;
using LeadGrains.Abstractions.Leads;
using LeadGrains.Api.Errors;

namespace LeadGrains.Api.Hosting;

/// <summary>
/// Until the API knows the cluster's grains (in client mode: until it has reached a gateway and
/// read the cluster manifest), requests that would call grains are answered 503 with Retry-After
/// instead of failing with "no implementation for interface": the web server starts without
/// waiting for the cluster, so a restarted API would otherwise answer its first requests 500.
/// Health, metrics and the OpenAPI document answer meanwhile.
/// </summary>
public sealed class ClusterReadinessGate(RequestDelegate next, IGrainFactory grains, RequestBoundsOptions bounds)
{
    private static readonly string[] GrainPaths = ["/api", "/console", "/dashboard"];

    private volatile bool known;

    public Task InvokeAsync(HttpContext http)
    {
        if (known || !GrainPaths.Any(prefix => http.Request.Path.StartsWithSegments(prefix)))
        {
            return next(http);
        }
        if (GrainsResolve())
        {
            known = true;
            return next(http);
        }
        http.Response.Headers.RetryAfter = ((int)Math.Ceiling(bounds.RetryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        return Problems.Write(http, StatusCodes.Status503ServiceUnavailable,
            "The API has not reached the silo cluster yet (it is starting). Retry after the Retry-After delay.");
    }

    // Exactly what fails before the manifest is read: mapping a grain interface to its grain type.
    private bool GrainsResolve()
    {
        try
        {
            grains.GetGrain<ILeadGrain>(Guid.Empty);
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
