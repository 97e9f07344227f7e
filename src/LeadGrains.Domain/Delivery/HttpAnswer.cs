namespace LeadGrains.Domain.Delivery;

/// <summary>What an HTTP status code means for a delivery.</summary>
public static class HttpAnswer
{
    public static AttemptOutcome Classify(int statusCode) => statusCode switch
    {
        >= 200 and < 300 => AttemptOutcome.Accepted,
        408 or 429 => AttemptOutcome.Retryable,
        >= 500 => AttemptOutcome.Retryable,
        _ => AttemptOutcome.Permanent,
    };
}
