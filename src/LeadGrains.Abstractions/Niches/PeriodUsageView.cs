namespace LeadGrains.Abstractions.Niches;

/// <summary>What a subscription took in its current day, week or month, as its niche counts it.</summary>
/// <param name="Period"><c>day</c>, <c>week</c> or <c>month</c>.</param>
/// <param name="PeriodStart">The period's first local date (<c>yyyy-MM-dd</c>) in the provider's zone.</param>
/// <param name="Leads">Leads received in the period.</param>
/// <param name="SpendCents">Their prices, in cents.</param>
[GenerateSerializer, Immutable]
public sealed record PeriodUsageView(
    [property: Id(0)] string Period,
    [property: Id(1)] string PeriodStart,
    [property: Id(2)] int Leads,
    [property: Id(3)] long SpendCents);
