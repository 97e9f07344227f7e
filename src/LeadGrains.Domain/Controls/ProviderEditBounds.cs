namespace LeadGrains.Domain.Controls;

/// <summary>
/// What an admin lets a provider choose for its own subscription: caps no higher than
/// <see cref="MaxCaps"/> (a limit set there must stay set), and delivery hours inside
/// <see cref="AllowedHours"/> (null: any hours, including none at all).
/// </summary>
public sealed record ProviderEditBounds(SubscriptionCaps MaxCaps, DeliveryHours? AllowedHours)
{
    /// <summary>The fields of a provider's choice that leave the bounds, each with why.</summary>
    public IReadOnlyDictionary<string, string[]> Check(SubscriptionCaps caps, DeliveryHours? hours)
    {
        var errors = new Dictionary<string, string[]>();
        foreach (var period in CapPeriods.All)
        {
            var name = CapPeriods.Name(period);
            if (MaxCaps.Leads(period) is { } maxLeads && !(caps.Leads(period) <= maxLeads))
            {
                errors[$"caps.leads_per_{name}"] = [$"must be set and at most {maxLeads}, the bound the admin set."];
            }
            if (MaxCaps.Budget(period) is { } maxBudget && !(caps.Budget(period) <= maxBudget))
            {
                errors[$"caps.budget_cents_per_{name}"] = [$"must be set and at most {maxBudget}, the bound the admin set."];
            }
        }
        if (AllowedHours is not null && (hours is null || !hours.Within(AllowedHours)))
        {
            errors["delivery_hours"] = ["must lie within the hours the admin allows (each window inside one allowed window)."];
        }
        return errors;
    }
}
