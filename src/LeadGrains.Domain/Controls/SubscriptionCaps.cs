namespace LeadGrains.Domain.Controls;

/// <summary>
/// How many leads and how much spend (integer cents) a subscription may take per day, week and
/// month; null: no limit for that period.
/// </summary>
public sealed record SubscriptionCaps(
    int? LeadsPerDay = null,
    int? LeadsPerWeek = null,
    int? LeadsPerMonth = null,
    long? BudgetCentsPerDay = null,
    long? BudgetCentsPerWeek = null,
    long? BudgetCentsPerMonth = null)
{
    public static SubscriptionCaps None { get; } = new();

    public int? Leads(CapPeriod period) => period switch
    {
        CapPeriod.Day => LeadsPerDay,
        CapPeriod.Week => LeadsPerWeek,
        _ => LeadsPerMonth,
    };

    public long? Budget(CapPeriod period) => period switch
    {
        CapPeriod.Day => BudgetCentsPerDay,
        CapPeriod.Week => BudgetCentsPerWeek,
        _ => BudgetCentsPerMonth,
    };

    /// <summary>Whether anything is counted in this period.</summary>
    public bool Counts(CapPeriod period) => Leads(period) is not null || Budget(period) is not null;

    public bool Any => CapPeriods.All.Any(Counts);
}
