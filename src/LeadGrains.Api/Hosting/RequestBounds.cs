using System.Text.Json;
using LeadGrains.Api.Errors;
using LeadGrains.Api.Json;
using Microsoft.AspNetCore.Http.Timeouts;

namespace LeadGrains.Api.Hosting;

/// <summary>
/// How long a request may take and what a caller is told when the cluster cannot answer in time
/// (section <c>LeadGrains:Api</c>).
/// </summary>
public sealed class RequestBoundsOptions
{
    public const string Section = "LeadGrains:Api";

    /// <summary>
    /// After this the request's cancellation token fires and, if the handler stops on it, the
    /// caller gets 504. Above <see cref="GrainCallTimeout"/>, so a hung grain call ends first as 503.
    /// </summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// A grain call made for a request and unanswered for this long is given up (<see cref="GrainCallDeadline"/>)
    /// and the caller gets 503. Orleans' own response timeout (30 s) outlasts most HTTP clients.
    /// </summary>
    public TimeSpan GrainCallTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The Retry-After of a 503: about the time the silos need to declare a dead silo dead
    /// (see the silos' failure detection) and place its grains elsewhere.
    /// </summary>
    public TimeSpan RetryAfter { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The request timeout of a CSV lead import, which streams up to 32 MiB of leads.</summary>
    public TimeSpan ImportTimeout { get; set; } = TimeSpan.FromMinutes(10);
}

/// <summary>Registers the request timeout (504) and the deadline of the grain calls made for a request (503).</summary>
public static class RequestBounds
{
    /// <summary>The request-timeout policy of long uploads (<see cref="RequestBoundsOptions.ImportTimeout"/>).</summary>
    public const string ImportPolicy = "import";

    public static WebApplicationBuilder AddRequestBounds(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(RequestBoundsOptions.Section).Get<RequestBoundsOptions>() ?? new();
        if (options.GrainCallTimeout >= options.RequestTimeout)
        {
            throw new InvalidOperationException(
                $"{RequestBoundsOptions.Section}:GrainCallTimeout must be shorter than RequestTimeout, so a hung grain call is answered before the request times out.");
        }
        builder.Services.AddSingleton(options);
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddSingleton<IOutgoingGrainCallFilter, GrainCallDeadline>();
        builder.Services.AddRequestTimeouts(timeouts =>
        {
            timeouts.DefaultPolicy = Policy(options.RequestTimeout);
            timeouts.AddPolicy(ImportPolicy, Policy(options.ImportTimeout));
        });
        return builder;
    }

    private static RequestTimeoutPolicy Policy(TimeSpan timeout) => new()
    {
        Timeout = timeout,
        TimeoutStatusCode = StatusCodes.Status504GatewayTimeout,
        WriteTimeoutResponse = http => WriteTimeout(http, timeout),
    };

    // The request's own token has fired by now, so the answer is written without it.
    private static Task WriteTimeout(HttpContext http, TimeSpan timeout)
    {
        http.Response.ContentType = Problems.ContentType;
        var problem = Problems.Create(http, StatusCodes.Status504GatewayTimeout,
            $"The request did not complete within {timeout.TotalSeconds:0.#} s; it may or may not have taken effect. Retry it with the same Idempotency-Key.");
        return JsonSerializer.SerializeAsync(http.Response.Body, problem, ApiJson.Options);
    }
}
