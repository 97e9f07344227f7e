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

    // The local reading of the last instant asked about — its offset, day, week and month — kept while
    // later instants stay in the same local day and offset: the niche asks about every candidate of
    // every lead, and the zone's arithmetic was most of what a check cost.
    private Instant _readFrom = Instant.MaxValue;
    private Instant _readUntil = Instant.MinValue;
    private Offset _offset;
    private LocalDate _day;
    private LocalDate _week;
    private LocalDate _month;

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
        Read(at);
        if (hours is not null && !hours.IsOpen(at.WithOffset(_offset).LocalDateTime))
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
        Read(at);
        var start = period switch
        {
            CapPeriod.Day => _day,
            CapPeriod.Week => _week,
            _ => _month,
        };
        return _usage.TryGetValue(period, out var used) && used.Start == start ? used : new PeriodUsage(start, 0, 0);
    }

    /// <summary>Reads <paramref name="at"/> in the zone, unless the last reading still holds for it.</summary>
    private void Read(Instant at)
    {
        if (at >= _readFrom && at < _readUntil)
        {
            return;
        }
        var interval = zone.GetZoneInterval(at);
        _offset = interval.WallOffset;
        _day = at.WithOffset(_offset).Date;
        _week = CapPeriods.StartOf(CapPeriod.Week, _day);
        _month = CapPeriods.StartOf(CapPeriod.Month, _day);
        var dayFrom = zone.AtStartOfDay(_day).ToInstant();
        var dayUntil = zone.AtStartOfDay(_day.PlusDays(1)).ToInstant();
        _readFrom = interval.HasStart && interval.Start > dayFrom ? interval.Start : dayFrom;
        _readUntil = interval.HasEnd && interval.End < dayUntil ? interval.End : dayUntil;
    }
}
