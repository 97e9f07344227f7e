namespace LeadGrains.Domain.Distribution;

/// <summary>One subscription's place in its level's least-recently-served order.</summary>
/// <param name="LastReceivedAt">When the subscription last received a lead; null if never.</param>
public sealed record LruEntry(Guid SubscriptionId, Guid ProviderId, DateTimeOffset? LastReceivedAt);
