namespace LeadGrains.Abstractions.Niches;

/// <summary>A provider's subscription to one competition level.</summary>
/// <param name="SubscriptionId">The subscription's id.</param>
/// <param name="ProviderId">The subscribing provider.</param>
/// <param name="LevelId">The level subscribed to.</param>
/// <param name="NicheId">The level's niche.</param>
/// <param name="Filters">Which leads it accepts.</param>
/// <param name="Status"><c>active</c>, <c>paused_insufficient_balance</c> or <c>paused</c>.</param>
/// <param name="LastReceivedAt">When it last received a lead; null if never.</param>
[GenerateSerializer, Immutable]
public sealed record SubscriptionView(
    [property: Id(0)] Guid SubscriptionId,
    [property: Id(1)] Guid ProviderId,
    [property: Id(2)] Guid LevelId,
    [property: Id(3)] Guid NicheId,
    [property: Id(4)] SubscriptionFilters Filters,
    [property: Id(5)] string Status,
    [property: Id(6)] DateTimeOffset? LastReceivedAt);
