namespace LeadGrains.Domain.Delivery;

/// <summary>
/// When a delivery is tried again: exponential backoff from <see cref="FirstDelay"/>, doubling up to
/// <see cref="MaxDelay"/>, each delay spread by ±<see cref="Jitter"/> so receivers that failed together
/// are not retried together; a receiver's Retry-After is honoured when it asks for longer. A delivery
/// whose next try would fall past its give-up time (a day after its creation or an operator's retry,
/// by default) is given up (dead).
/// </summary>
public sealed record RetryPolicy(TimeSpan FirstDelay, TimeSpan MaxDelay, double Jitter)
{
    /// <summary>The delay after the given failed attempt (1-based), before Retry-After.</summary>
    /// <param name="attempt">The attempt that just failed.</param>
    /// <param name="unitRandom">A number in [0, 1): where in the jitter band the delay falls.</param>
    public TimeSpan Backoff(int attempt, double unitRandom)
    {
        var exponent = Math.Min(Math.Max(attempt - 1, 0), 30);
        var baseDelay = Math.Min(FirstDelay.TotalMilliseconds * Math.Pow(2, exponent), MaxDelay.TotalMilliseconds);
        var spread = 1 + Jitter * (2 * unitRandom - 1);
        return TimeSpan.FromMilliseconds(baseDelay * spread);
    }

    /// <summary>What follows an attempt: delivered, another try at a time, or dead.</summary>
    public DeliveryStep After(AttemptOutcome outcome, int attempt, DateTimeOffset giveUpAt, DateTimeOffset now,
        TimeSpan? retryAfter, double unitRandom)
    {
        switch (outcome)
        {
            case AttemptOutcome.Accepted:
                return DeliveryStep.Delivered;
            case AttemptOutcome.Permanent:
                return DeliveryStep.Dead;
        }
        var delay = Backoff(attempt, unitRandom);
        if (retryAfter is { } asked && asked > delay)
        {
            delay = asked;
        }
        var next = now + delay;
        return next > giveUpAt ? DeliveryStep.Dead : DeliveryStep.RetryAt(next);
    }
}
