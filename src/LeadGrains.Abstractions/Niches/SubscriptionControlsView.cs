namespace LeadGrains.Abstractions.Niches;

/// <summary>A subscription's buyer controls, its status and what it took in the current periods.</summary>
/// <param name="SubscriptionId">The subscription.</param>
/// <param name="ProviderId">Its provider.</param>
/// <param name="Status"><c>active</c>, <c>paused_insufficient_balance</c> or <c>paused</c>.</param>
/// <param name="TimeZone">The provider's IANA time zone, which the periods and hours are counted in.</param>
/// <param name="Caps">Caps and budgets (all null: none).</param>
/// <param name="DeliveryHours">The weekly schedule; null: any time.</param>
/// <param name="ProviderBounds">What the provider may choose itself; null: nothing.</param>
/// <param name="Usage">The current day, week and month of each counted period.</param>
[GenerateSerializer, Immutable]
public sealed record SubscriptionControlsView(
    [property: Id(0)] Guid SubscriptionId,
    [property: Id(1)] Guid ProviderId,
    [property: Id(2)] string Status,
    [property: Id(3)] string TimeZone,
    [property: Id(4)] SubscriptionCapsSpec Caps,
    [property: Id(5)] IReadOnlyList<DeliveryWindowSpec>? DeliveryHours,
    [property: Id(6)] ProviderBoundsSpec? ProviderBounds,
    [property: Id(7)] IReadOnlyList<PeriodUsageView> Usage);
