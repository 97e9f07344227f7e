using NodaTime;

namespace LeadGrains.Domain.Controls;

/// <summary>
/// Which day, week and month an instant falls in for a provider: local calendar periods of its
/// time zone, so a day may last 23 or 25 hours across a DST change. Weeks start on Monday (ISO
/// 8601), as PostgreSQL's <c>date_trunc('week', …)</c> does: the database guard counts the same
/// periods as the niche grain.
/// </summary>
public static class CapPeriods
{
    public static IReadOnlyList<CapPeriod> All { get; } = [CapPeriod.Day, CapPeriod.Week, CapPeriod.Month];

    /// <summary>The name the API and the database use: <c>day</c>, <c>week</c>, <c>month</c>.</summary>
    public static string Name(CapPeriod period) => period switch
    {
        CapPeriod.Day => "day",
        CapPeriod.Week => "week",
        _ => "month",
    };

    /// <summary>The first local date of the period that holds <paramref name="at"/> in <paramref name="zone"/>.</summary>
    public static LocalDate StartOf(CapPeriod period, Instant at, DateTimeZone zone) => StartOf(period, at.InZone(zone).Date);

    /// <summary>The first local date of the period that holds <paramref name="date"/>.</summary>
    public static LocalDate StartOf(CapPeriod period, LocalDate date) => period switch
    {
        CapPeriod.Day => date,
        CapPeriod.Week => date.With(DateAdjusters.PreviousOrSame(IsoDayOfWeek.Monday)),
        _ => date.With(DateAdjusters.StartOfMonth),
    };

    /// <summary>The first local date of the period after the one starting at <paramref name="start"/>.</summary>
    public static LocalDate NextStart(CapPeriod period, LocalDate start) => period switch
    {
        CapPeriod.Day => start.PlusDays(1),
        CapPeriod.Week => start.PlusWeeks(1),
        _ => start.PlusMonths(1),
    };

    /// <summary>The instants the period spans: from the start of its first local day to the start of the next period's.</summary>
    public static (Instant From, Instant Until) Span(CapPeriod period, LocalDate start, DateTimeZone zone) =>
        (zone.AtStartOfDay(start).ToInstant(), zone.AtStartOfDay(NextStart(period, start)).ToInstant());

    /// <summary>The IANA time zone of that name, or null when there is none.</summary>
    public static DateTimeZone? Zone(string? id) => id is null ? null : DateTimeZoneProviders.Tzdb.GetZoneOrNull(id);
}
