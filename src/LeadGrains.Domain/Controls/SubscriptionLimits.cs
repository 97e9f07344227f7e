using LeadGrains.Domain.Distribution;
using NodaTime;

namespace LeadGrains.Domain.Controls;

/// <summary>
/// A subscription's caps, budgets and delivery hours in its provider's time zone, with what it took
/// in each counted period so far. Asked before each candidate is taken, told of each lead it
/// receives. Counts of an ended period are forgotten as soon as a new period is asked about: only
/// the current one matters. Not thread-safe: the niche grain's serial turns make it safe.
/// </summary>
public sealed class SubscriptionLimits(SubscriptionCaps caps, DeliveryHours? hours, DateTimeZone zone)
{
    private readonly Dictionary<CapPeriod, PeriodUsage> _usage = [];

    public SubscriptionCaps Caps => caps;

    public DeliveryHours? Hours => hours;

    public DateTimeZone Zone => zone;

    /// <summary>Whether anything here can hold a lead back; a subscription without limits needs none of this.</summary>
    public bool Limits => caps.Any || hours is not null;

    /// <summary>Takes a period's counts as the database holds them.</summary>
    public void Counted(CapPeriod period, LocalDate start, int leads, long spendCents) => _usage[period] = new PeriodUsage(start, leads, spendCents);

    /// <summary>
    /// Why a lead priced <paramref name="priceCents"/> at <paramref name="at"/> may not go to this
    /// subscription — <c>outside_hours</c>, <c>cap_reached</c> or <c>budget_reached</c> — or null if it may.
    /// </summary>
    public string? HoldsBack(long priceCents, Instant at)
    {
        if (hours is not null && !hours.IsOpen(at.InZone(zone).LocalDateTime))
        {
            return SkipReasons.OutsideHours;
        }
        string? reason = null;
        foreach (var period in CapPeriods.All)
        {
            if (!caps.Counts(period))
            {
                continue;
            }
            var used = UsageIn(period, at);
            if (caps.Leads(period) is { } maxLeads && used.Leads + 1 > maxLeads)
            {
                return SkipReasons.CapReached;
            }
            if (caps.Budget(period) is { } budget && used.SpendCents + priceCents > budget)
            {
                reason = SkipReasons.BudgetReached;
            }
        }
        return reason;
    }

    /// <summary>The subscription received a lead priced <paramref name="priceCents"/> at <paramref name="at"/>.</summary>
    public void Served(long priceCents, Instant at)
    {
        foreach (var period in CapPeriods.All)
        {
            if (caps.Counts(period))
            {
                var used = UsageIn(period, at);
                _usage[period] = used with { Leads = used.Leads + 1, SpendCents = used.SpendCents + priceCents };
            }
        }
    }

    /// <summary>What the subscription took in the period holding <paramref name="at"/>.</summary>
    public PeriodUsage UsageIn(CapPeriod period, Instant at)
    {
        var start = CapPeriods.StartOf(period, at, zone);
        return _usage.TryGetValue(period, out var used) && used.Start == start ? used : new PeriodUsage(start, 0, 0);
    }
}
