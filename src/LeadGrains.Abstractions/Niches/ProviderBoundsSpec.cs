namespace LeadGrains.Abstractions.Niches;

/// <summary>What an admin lets a provider choose for its own subscription's caps and delivery hours.</summary>
/// <param name="MaxCaps">The highest cap the provider may choose per field; a field set here must stay set. Nulls: any.</param>
/// <param name="AllowedHours">Every window the provider chooses must lie inside one of these; null: any hours.</param>
[GenerateSerializer, Immutable]
public sealed record ProviderBoundsSpec(
    [property: Id(0)] SubscriptionCapsSpec? MaxCaps,
    [property: Id(1)] IReadOnlyList<DeliveryWindowSpec>? AllowedHours);
