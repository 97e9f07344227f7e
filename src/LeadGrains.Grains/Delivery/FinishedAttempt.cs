using LeadGrains.Domain.Delivery;

namespace LeadGrains.Grains.Delivery;

/// <summary>A try that ended, with what follows it, waiting to be recorded.</summary>
public sealed record FinishedAttempt(DeliveryWork Work, DateTimeOffset StartedAt, TimeSpan Latency, AttemptResult Result, DeliveryStep Step);
