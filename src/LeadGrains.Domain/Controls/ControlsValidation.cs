namespace LeadGrains.Domain.Controls;

/// <summary>The rules a subscription's caps and delivery hours must follow, as field errors.</summary>
public static class ControlsValidation
{
    public const int MaxLeadsPerPeriod = 1_000_000;
    public const long MaxBudgetCentsPerPeriod = 1_000_000_000_00;
    public const int MaxWindows = 7 * 8;

    public static Dictionary<string, string[]> Check(SubscriptionCaps caps, DeliveryHours? hours, string prefix = "")
    {
        var errors = new Dictionary<string, string[]>();
        foreach (var period in CapPeriods.All)
        {
            var name = CapPeriods.Name(period);
            if (caps.Leads(period) is { } leads && leads is < 1 or > MaxLeadsPerPeriod)
            {
                errors[$"{prefix}caps.leads_per_{name}"] = [$"must be from 1 to {MaxLeadsPerPeriod}, or null for no cap (pause the subscription to take none)."];
            }
            if (caps.Budget(period) is { } budget && budget is < 1 or > MaxBudgetCentsPerPeriod)
            {
                errors[$"{prefix}caps.budget_cents_per_{name}"] = [$"must be from 1 to {MaxBudgetCentsPerPeriod} cents, or null for no budget."];
            }
        }
        if (hours is not null)
        {
            if (hours.Windows.Count is 0 or > MaxWindows)
            {
                errors[$"{prefix}delivery_hours"] = [$"must hold 1 to {MaxWindows} windows, or be null for any time (pause the subscription to take none)."];
            }
            else if (hours.Windows.Any(w => w.FromMinute < 0 || w.UntilMinute > DeliveryWindow.EndOfDay || w.FromMinute >= w.UntilMinute))
            {
                errors[$"{prefix}delivery_hours"] = ["each window must end after it starts, within one day (\"to\" at most \"24:00\")."];
            }
        }
        return errors;
    }
}
