namespace LeadGrains.Abstractions.Providers;

/// <summary>Charge a provider for receiving one lead through one subscription.</summary>
/// <param name="LeadId">The lead.</param>
/// <param name="SubscriptionId">The subscription that selected the provider.</param>
/// <param name="LevelId">The subscription's level.</param>
/// <param name="NicheId">The level's niche.</param>
/// <param name="PriceCents">The level's price.</param>
/// <param name="RunId">The distribution attempt charging; a superseded attempt's charge is refused (<see cref="ChargeOutcome.Fenced"/>).</param>
[GenerateSerializer, Immutable]
public sealed record ChargeRequest(
    [property: Id(0)] Guid LeadId,
    [property: Id(1)] Guid SubscriptionId,
    [property: Id(2)] Guid LevelId,
    [property: Id(3)] Guid NicheId,
    [property: Id(4)] long PriceCents,
    [property: Id(5)] Guid RunId);
