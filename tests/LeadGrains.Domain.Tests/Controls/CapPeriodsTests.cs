using LeadGrains.Domain.Controls;
using NodaTime;

namespace LeadGrains.Domain.Tests.Controls;

/// <summary>Local calendar periods in a provider's zone: days of 23 and 25 hours, Monday weeks, months, zones apart.</summary>
public sealed class CapPeriodsTests
{
    private static readonly DateTimeZone NewYork = DateTimeZoneProviders.Tzdb["America/New_York"];
    private static readonly DateTimeZone Kolkata = DateTimeZoneProviders.Tzdb["Asia/Kolkata"];

    private static Instant Utc(int year, int month, int day, int hour, int minute = 0) => Instant.FromUtc(year, month, day, hour, minute);

    [Fact]
    public void A_day_starts_at_local_midnight_not_at_midnight_utc()
    {
        // 04:30 UTC on 10 March 2027 is still the evening of the 9th in New York (UTC-5 before the change) ...
        Assert.Equal(new LocalDate(2027, 3, 9), CapPeriods.StartOf(CapPeriod.Day, Utc(2027, 3, 10, 4, 30), NewYork));
        Assert.Equal(new LocalDate(2027, 3, 10), CapPeriods.StartOf(CapPeriod.Day, Utc(2027, 3, 10, 5, 0), NewYork));
        // ... and a week later, UTC-4 after it, local midnight is at 04:00 UTC.
        Assert.Equal(new LocalDate(2027, 3, 16), CapPeriods.StartOf(CapPeriod.Day, Utc(2027, 3, 17, 3, 59), NewYork));
        Assert.Equal(new LocalDate(2027, 3, 17), CapPeriods.StartOf(CapPeriod.Day, Utc(2027, 3, 17, 4, 0), NewYork));
    }

    [Fact]
    public void The_day_the_clocks_spring_forward_lasts_23_hours_and_the_day_they_fall_back_25()
    {
        var (springFrom, springUntil) = CapPeriods.Span(CapPeriod.Day, new LocalDate(2027, 3, 14), NewYork);
        var (fallFrom, fallUntil) = CapPeriods.Span(CapPeriod.Day, new LocalDate(2027, 11, 7), NewYork);

        Assert.Equal(Duration.FromHours(23), springUntil - springFrom);
        Assert.Equal(Duration.FromHours(25), fallUntil - fallFrom);
        // 01:30 local happens twice on the day the clocks fall back: both are that day.
        Assert.Equal(new LocalDate(2027, 11, 7), CapPeriods.StartOf(CapPeriod.Day, Utc(2027, 11, 7, 5, 30), NewYork));
        Assert.Equal(new LocalDate(2027, 11, 7), CapPeriods.StartOf(CapPeriod.Day, Utc(2027, 11, 7, 6, 30), NewYork));
    }

    [Fact]
    public void A_week_runs_from_local_Monday_to_Sunday()
    {
        // Sunday 14 March 2027, 23:59 in New York; the Monday after starts the next week.
        Assert.Equal(new LocalDate(2027, 3, 8), CapPeriods.StartOf(CapPeriod.Week, Utc(2027, 3, 15, 3, 59), NewYork));
        Assert.Equal(new LocalDate(2027, 3, 15), CapPeriods.StartOf(CapPeriod.Week, Utc(2027, 3, 15, 4, 0), NewYork));
        var (from, until) = CapPeriods.Span(CapPeriod.Week, new LocalDate(2027, 3, 8), NewYork);
        Assert.Equal(Duration.FromHours(7 * 24 - 1), until - from);   // the week holding the spring change
    }

    [Fact]
    public void A_month_is_the_local_calendar_month()
    {
        Assert.Equal(new LocalDate(2027, 2, 1), CapPeriods.StartOf(CapPeriod.Month, Utc(2027, 3, 1, 4, 59), NewYork));
        Assert.Equal(new LocalDate(2027, 3, 1), CapPeriods.StartOf(CapPeriod.Month, Utc(2027, 3, 1, 5, 0), NewYork));
        Assert.Equal(new LocalDate(2027, 3, 1), CapPeriods.NextStart(CapPeriod.Month, new LocalDate(2027, 2, 1)));
    }

    [Fact]
    public void At_one_instant_two_zones_can_be_on_different_days()
    {
        var instant = Utc(2027, 1, 6, 20, 0);   // 15:00 in New York, 01:30 the next day in Kolkata

        Assert.Equal(new LocalDate(2027, 1, 6), CapPeriods.StartOf(CapPeriod.Day, instant, NewYork));
        Assert.Equal(new LocalDate(2027, 1, 7), CapPeriods.StartOf(CapPeriod.Day, instant, Kolkata));
    }

    [Fact]
    public void Unknown_zone_names_are_none()
    {
        Assert.Null(CapPeriods.Zone("Mars/Olympus_Mons"));
        Assert.Null(CapPeriods.Zone(null));
        Assert.Equal(NewYork, CapPeriods.Zone("America/New_York"));
    }
}
