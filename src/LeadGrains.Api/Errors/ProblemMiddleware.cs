using System.Globalization;
using LeadGrains.Abstractions;
using LeadGrains.Api.Hosting;

namespace LeadGrains.Api.Errors;

/// <summary>
/// Turns expected refusals into problem details: the API's own <see cref="ApiProblemException"/>,
/// a grain's <see cref="ValidationFailedException"/>, and the server's bad-request errors (e.g. a
/// body over the size limit). A transient cluster fault (<see cref="TransientFaults"/>) is answered
/// 503 with Retry-After. Anything else is a fault: logged (without the request body) and answered
/// 500 without internals.
/// </summary>
public sealed class ProblemMiddleware(RequestDelegate next, ILogger<ProblemMiddleware> logger, RequestBoundsOptions bounds)
{
    public async Task InvokeAsync(HttpContext http)
    {
        try
        {
            await next(http);
        }
        catch (Exception exception) when (!http.Response.HasStarted && Answer(exception) is { } problem)
        {
            http.Response.Clear();
            await Problems.Write(http, problem.Status, problem.Detail, problem.Errors);
        }
        catch (Exception exception) when (!http.Response.HasStarted && TransientFaults.IsTransient(exception))
        {
            logger.LogWarning("Request {Method} {Path} met a transient cluster fault ({Fault}); answered 503",
                http.Request.Method, http.Request.Path.Value, exception.GetType().Name);
            http.Response.Clear();
            http.Response.Headers.RetryAfter = ((int)Math.Ceiling(bounds.RetryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            await Problems.Write(http, StatusCodes.Status503ServiceUnavailable,
                "The cluster is briefly unavailable (a silo or the database is restarting). Retry after the Retry-After delay; requests with an Idempotency-Key are safe to repeat.");
        }
        catch (Exception exception) when (!http.Response.HasStarted && !http.RequestAborted.IsCancellationRequested)
        {
            logger.LogError(exception, "Request {Method} {Path} failed", http.Request.Method, http.Request.Path.Value);
            http.Response.Clear();
            await Problems.Write(http, StatusCodes.Status500InternalServerError, "The server could not complete the request.");
        }
    }

    private sealed record Problem(int Status, string Detail, IReadOnlyDictionary<string, string[]>? Errors);

    private static Problem? Answer(Exception exception) => exception switch
    {
        ApiProblemException api => new(api.Status, api.Message, api.Errors),
        ValidationFailedException invalid => new(StatusCodes.Status400BadRequest, "The request is invalid.", invalid.Errors),
        BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } =>
            new(StatusCodes.Status413PayloadTooLarge, "The request body is too large.", null),
        BadHttpRequestException bad => new(bad.StatusCode, "The request could not be read.", null),
        _ => null,
    };
}

/// <summary>Gives empty error answers (no route, wrong method) a problem-details body too.</summary>
public static class StatusCodeProblems
{
    public static IApplicationBuilder UseStatusCodeProblems(this IApplicationBuilder app) =>
        app.UseStatusCodePages(context =>
        {
            var http = context.HttpContext;
            var status = http.Response.StatusCode;
            var detail = status switch
            {
                404 => "No resource answers at this address.",
                405 => "This resource does not answer this method.",
                _ => Problems.Title(status) + ".",
            };
            return Problems.Write(http, status, detail);
        });
}
