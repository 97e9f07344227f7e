using LeadGrains.Domain.Delivery;

namespace LeadGrains.Grains.Delivery;

/// <summary>
/// One try of an HTTP channel (webhook, SMS gateway): sends the request within the try's timeout —
/// on the business clock, so tests move it virtually — and counts the answer as a delivery counts it.
/// </summary>
internal static class HttpAttempt
{
    public static async Task<AttemptResult> Send(HttpClient http, HttpRequestMessage request, TimeSpan timeout, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        using var deadline = new CancellationTokenSource(timeout, clock);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, cancellationToken);
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token);
            var status = (int)response.StatusCode;
            return HttpAnswer.Classify(status) switch
            {
                AttemptOutcome.Accepted => AttemptResult.Accepted(status),
                AttemptOutcome.Retryable => AttemptResult.Retryable($"HTTP {status}", status, RetryAfter(response, clock.GetUtcNow())),
                _ => AttemptResult.Permanent($"HTTP {status}", status),
            };
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return AttemptResult.Retryable($"timed out after {timeout.TotalSeconds} s");
        }
        catch (HttpRequestException error) when (error.InnerException is WebhookAddressRefusedException refused)
        {
            return AttemptResult.Permanent(refused.Message);
        }
        catch (HttpRequestException error)
        {
            return AttemptResult.Retryable(error.HttpRequestError + ": " + error.Message);
        }
    }

    private static TimeSpan? RetryAfter(HttpResponseMessage response, DateTimeOffset now) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - now,
        _ => null,
    };
}
