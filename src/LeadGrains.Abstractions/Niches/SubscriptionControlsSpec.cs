namespace LeadGrains.Abstractions.Niches;

/// <summary>A subscription's buyer controls as an admin sets them.</summary>
/// <param name="Caps">Caps and budgets per day, week and month; null: none.</param>
/// <param name="DeliveryHours">The weekly schedule it takes leads in; null: any time.</param>
/// <param name="ProviderBounds">Within what the provider may change its own caps and hours; null: it may not.</param>
[GenerateSerializer, Immutable]
public sealed record SubscriptionControlsSpec(
    [property: Id(0)] SubscriptionCapsSpec? Caps,
    [property: Id(1)] IReadOnlyList<DeliveryWindowSpec>? DeliveryHours,
    [property: Id(2)] ProviderBoundsSpec? ProviderBounds);
