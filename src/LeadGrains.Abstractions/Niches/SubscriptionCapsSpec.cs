namespace LeadGrains.Abstractions.Niches;

/// <summary>
/// A subscription's caps: at most so many leads and so much spend (integer cents) per day, week and
/// month, counted in its provider's time zone; null: no limit for that period.
/// </summary>
/// <param name="LeadsPerDay">Leads per local day (1 to 1,000,000), or null.</param>
/// <param name="LeadsPerWeek">Leads per local week, Monday to Sunday, or null.</param>
/// <param name="LeadsPerMonth">Leads per local calendar month, or null.</param>
/// <param name="BudgetCentsPerDay">Spend per local day in cents, or null.</param>
/// <param name="BudgetCentsPerWeek">Spend per local week in cents, or null.</param>
/// <param name="BudgetCentsPerMonth">Spend per local calendar month in cents, or null.</param>
[GenerateSerializer, Immutable]
public sealed record SubscriptionCapsSpec(
    [property: Id(0)] int? LeadsPerDay = null,
    [property: Id(1)] int? LeadsPerWeek = null,
    [property: Id(2)] int? LeadsPerMonth = null,
    [property: Id(3)] long? BudgetCentsPerDay = null,
    [property: Id(4)] long? BudgetCentsPerWeek = null,
    [property: Id(5)] long? BudgetCentsPerMonth = null)
{
    /// <summary>No caps at all.</summary>
    public static SubscriptionCapsSpec None { get; } = new();
}
