using LeadGrains.Domain.Delivery;

namespace LeadGrains.Grains.Delivery;

/// <summary>What one try on the wire came to. The error is for operators: no secret, no contact data.</summary>
public sealed record AttemptResult(AttemptOutcome Outcome, int? StatusCode, string? Error, TimeSpan? RetryAfter = null)
{
    public static AttemptResult Accepted(int? statusCode) => new(AttemptOutcome.Accepted, statusCode, null);

    public static AttemptResult Retryable(string error, int? statusCode = null, TimeSpan? retryAfter = null) =>
        new(AttemptOutcome.Retryable, statusCode, error, retryAfter);

    public static AttemptResult Permanent(string error, int? statusCode = null) => new(AttemptOutcome.Permanent, statusCode, error);
}
