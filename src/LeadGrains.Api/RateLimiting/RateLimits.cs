using System.Globalization;
using System.Threading.RateLimiting;
using LeadGrains.Api.Auth;
using LeadGrains.Api.Errors;

namespace LeadGrains.Api.RateLimiting;

/// <summary>Limits of the built-in rate limiter (section <c>LeadGrains:RateLimits</c>).</summary>
public sealed class RateLimitOptions
{
    public const string Section = "LeadGrains:RateLimits";

    /// <summary>Lead submissions (and imports) per workspace per window.</summary>
    public int IntakePermits { get; set; } = 200;

    public int IntakeWindowSeconds { get; set; } = 1;

    /// <summary>Requests with a rejected token per client address per window, before 429.</summary>
    public int AuthFailurePermits { get; set; } = 30;

    public int AuthFailureWindowSeconds { get; set; } = 60;
}

/// <summary>
/// ASP.NET's rate limiter: a named policy on lead intake (per workspace), and a global limit on
/// failed authentications (per client address) so guessing tokens is slow. Refusals are 429
/// problem details with Retry-After.
/// </summary>
public static class RateLimits
{
    public const string Intake = "intake";

    public static IServiceCollection AddLeadGrainsRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        var limits = configuration.GetSection(RateLimitOptions.Section).Get<RateLimitOptions>() ?? new RateLimitOptions();
        services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.OnRejected = async (context, _) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
                context.HttpContext.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                await Problems.Write(context.HttpContext, StatusCodes.Status429TooManyRequests, "Too many requests; retry later.");
            };
            options.AddPolicy(Intake, http => RateLimitPartition.GetFixedWindowLimiter(
                "intake:" + (http.User.TryGuid(ClaimNames.WorkspaceId)?.ToString() ?? ClientAddress(http)),
                _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = limits.IntakePermits,
                    Window = TimeSpan.FromSeconds(limits.IntakeWindowSeconds),
                    QueueLimit = 0,
                }));
            options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(http => FailedAuthentication(http)
                ? RateLimitPartition.GetFixedWindowLimiter("auth-failures:" + ClientAddress(http), _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = limits.AuthFailurePermits,
                    Window = TimeSpan.FromSeconds(limits.AuthFailureWindowSeconds),
                    QueueLimit = 0,
                })
                : RateLimitPartition.GetNoLimiter("authenticated-or-anonymous"));
        });
        return services;
    }

    // The rate limiter runs after authentication: a request that presented credentials and is still anonymous failed it.
    private static bool FailedAuthentication(HttpContext http) =>
        http.Request.Headers.Authorization.Count > 0 && http.User.Identity?.IsAuthenticated != true;

    private static string ClientAddress(HttpContext http) => http.Connection.RemoteIpAddress?.ToString() ?? "unknown";
}
