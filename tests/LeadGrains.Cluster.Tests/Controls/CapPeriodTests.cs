using LeadGrains.Abstractions.Distribution;
using LeadGrains.Abstractions.Niches;
using LeadGrains.Cluster.Tests.Infrastructure;
using LeadGrains.Domain.Distribution;
using NodaTime;
using static LeadGrains.Cluster.Tests.Infrastructure.Scenario;

namespace LeadGrains.Cluster.Tests.Controls;

/// <summary>
/// Caps count in local calendar periods of the provider's time zone, walked through in virtual time:
/// local midnight, a day of 23 hours at a DST change, two zones at one instant, the week's Monday, and
/// delivery hours at their edges. A capped subscription overflows to the next candidate and keeps its
/// place: it is served first again when its period turns.
/// </summary>
public sealed class CapPeriodTests(VirtualTimeClusterFixture fixture) : IClassFixture<VirtualTimeClusterFixture>
{
    [Fact]
    public async Task A_daily_cap_opens_again_at_local_midnight_and_the_capped_subscription_kept_its_place()
    {
        var zone = DateTimeZoneProviders.Tzdb["America/Chicago"];
        var pair = await Pair(new SubscriptionCapsSpec(LeadsPerDay: 1), "America/Chicago");
        var evening = NextLocal(zone, new LocalTime(22, 0));

        fixture.Cluster.AdvanceTo(evening);
        Assert.Equal(pair.Capped, await ServedAlone(pair));                 // never served: first in the order
        Assert.Equal(pair.Other, await ServedAlone(pair));                  // never served: next
        Assert.Equal(pair.Other, await ServedAlone(pair, SkipReasons.CapReached));   // Capped is first again, but capped
        fixture.Cluster.AdvanceTo(At(zone, LocalDate(evening, zone).PlusDays(1), new LocalTime(0, 0)).AddSeconds(-1));
        Assert.Equal(pair.Other, await ServedAlone(pair, SkipReasons.CapReached));   // 23:59:59 is still the same day

        fixture.Cluster.AdvanceTo(At(zone, LocalDate(evening, zone).PlusDays(1), new LocalTime(0, 0)));
        Assert.Equal(pair.Capped, await ServedAlone(pair));                 // served longer ago than Other: first again
        await fixture.AssertInvariantsHold();
    }

    [Fact]
    public async Task The_day_the_clocks_spring_forward_lasts_23_hours_and_is_one_period()
    {
        var zone = DateTimeZoneProviders.Tzdb["America/New_York"];
        var pair = await Pair(new SubscriptionCapsSpec(LeadsPerDay: 1), "America/New_York");
        var change = NextTransition(zone, forward: true);
        var day = change.InZone(zone).Date;
        var startOfDay = zone.AtStartOfDay(day).ToDateTimeOffset();
        var startOfNextDay = zone.AtStartOfDay(day.PlusDays(1)).ToDateTimeOffset();
        Assert.Equal(TimeSpan.FromHours(23), startOfNextDay - startOfDay);

        fixture.Cluster.AdvanceTo(startOfDay.AddMinutes(30));
        Assert.Equal(pair.Capped, await ServedAlone(pair));
        Assert.Equal(pair.Other, await ServedAlone(pair));
        // 23 hours later by the clock on the wall is 22 real hours: still the same local day.
        fixture.Cluster.AdvanceTo(startOfDay.AddHours(22).AddMinutes(30));
        Assert.Equal(pair.Other, await ServedAlone(pair, SkipReasons.CapReached));
        fixture.Cluster.AdvanceTo(startOfNextDay);
        Assert.Equal(pair.Capped, await ServedAlone(pair));
        await fixture.AssertInvariantsHold();
    }

    [Fact]
    public async Task The_day_the_clocks_fall_back_lasts_25_hours_and_is_one_period()
    {
        var zone = DateTimeZoneProviders.Tzdb["Europe/Berlin"];
        var pair = await Pair(new SubscriptionCapsSpec(LeadsPerDay: 1), "Europe/Berlin");
        var change = NextTransition(zone, forward: false);
        var day = change.InZone(zone).Date;
        var startOfDay = zone.AtStartOfDay(day).ToDateTimeOffset();
        var startOfNextDay = zone.AtStartOfDay(day.PlusDays(1)).ToDateTimeOffset();
        Assert.Equal(TimeSpan.FromHours(25), startOfNextDay - startOfDay);

        fixture.Cluster.AdvanceTo(startOfDay.AddMinutes(30));
        Assert.Equal(pair.Capped, await ServedAlone(pair));
        Assert.Equal(pair.Other, await ServedAlone(pair));
        fixture.Cluster.AdvanceTo(startOfDay.AddHours(24).AddMinutes(30));   // 23:30 on the wall: the same day
        Assert.Equal(pair.Other, await ServedAlone(pair, SkipReasons.CapReached));
        fixture.Cluster.AdvanceTo(startOfNextDay);
        Assert.Equal(pair.Capped, await ServedAlone(pair));
        await fixture.AssertInvariantsHold();
    }

    [Fact]
    public async Task At_one_instant_providers_in_two_zones_count_in_their_own_days()
    {
        var chicago = DateTimeZoneProviders.Tzdb["America/Chicago"];
        var s = await Scenario.Start(fixture.Grains);
        var niche = await s.Niche(new Level(1, 2, 100));
        var west = await s.Provider(10_000);
        var east = await s.Provider(10_000);
        await s.TimeZone(west, "America/Chicago");
        await s.TimeZone(east, "Asia/Kolkata");
        foreach (var provider in new[] { west, east })
        {
            var subscription = await s.Subscribe(niche, provider, 1);
            await s.Controls(niche, subscription.SubscriptionId, new SubscriptionCapsSpec(LeadsPerDay: 1));
        }
        // 22:00 in Chicago is 09:30 or 10:30 the next morning in Kolkata: its day has hours left to run.
        var evening = NextLocal(chicago, new LocalTime(22, 0));
        fixture.Cluster.AdvanceTo(evening);
        Assert.Equal(new[] { west, east }.Order(), (await Served(s, niche)).Order());

        fixture.Cluster.AdvanceTo(evening.AddHours(3));   // a new day in Chicago only
        Assert.Equal([west], await Served(s, niche));
        await fixture.AssertInvariantsHold();
    }

    [Fact]
    public async Task A_weekly_cap_opens_again_on_the_local_Monday()
    {
        var zone = DateTimeZoneProviders.Tzdb["Australia/Sydney"];
        var pair = await Pair(new SubscriptionCapsSpec(LeadsPerWeek: 1), "Australia/Sydney");
        var tuesday = NextLocalDate(zone, IsoDayOfWeek.Tuesday);
        var monday = At(zone, tuesday.PlusDays(6), new LocalTime(0, 0));

        fixture.Cluster.AdvanceTo(At(zone, tuesday, new LocalTime(12, 0)));
        Assert.Equal(pair.Capped, await ServedAlone(pair));
        Assert.Equal(pair.Other, await ServedAlone(pair));
        fixture.Cluster.AdvanceTo(monday.AddMinutes(-1));   // Sunday 23:59
        Assert.Equal(pair.Other, await ServedAlone(pair, SkipReasons.CapReached));
        fixture.Cluster.AdvanceTo(monday);
        Assert.Equal(pair.Capped, await ServedAlone(pair));
        await fixture.AssertInvariantsHold();
    }

    [Fact]
    public async Task A_monthly_budget_opens_again_on_the_first_of_the_month()
    {
        var zone = DateTimeZoneProviders.Tzdb["Pacific/Auckland"];
        var pair = await Pair(new SubscriptionCapsSpec(BudgetCentsPerMonth: 150), "Pacific/Auckland");
        var today = LocalDate(fixture.Cluster.Now(), zone);
        var firstOfNextMonth = At(zone, today.With(DateAdjusters.StartOfMonth).PlusMonths(2), new LocalTime(0, 0));

        fixture.Cluster.AdvanceTo(firstOfNextMonth.AddHours(-2));
        Assert.Equal(pair.Capped, await ServedAlone(pair));                          // 100 of 150 spent
        Assert.Equal(pair.Other, await ServedAlone(pair));
        Assert.Equal(pair.Other, await ServedAlone(pair, SkipReasons.BudgetReached));  // another 100 would pass 150
        fixture.Cluster.AdvanceTo(firstOfNextMonth);
        Assert.Equal(pair.Capped, await ServedAlone(pair));
        await fixture.AssertInvariantsHold();
    }

    [Fact]
    public async Task Delivery_hours_take_leads_from_their_first_minute_up_to_but_not_at_their_end()
    {
        var zone = DateTimeZoneProviders.Tzdb["Europe/London"];
        var pair = await Pair(null, "Europe/London", [new DeliveryWindowSpec("wednesday", "09:00", "17:00")], alone: true);
        var wednesday = NextLocalDate(zone, IsoDayOfWeek.Wednesday);

        fixture.Cluster.AdvanceTo(At(zone, wednesday, new LocalTime(8, 59, 59)));
        Assert.Equal(SkipReasons.OutsideHours, Assert.Single((await Distribute(pair.Scenario, pair.Niche)).Skipped).Reason);
        fixture.Cluster.AdvanceTo(At(zone, wednesday, new LocalTime(9, 0)));
        Assert.Equal(pair.Capped, await ServedAlone(pair));
        fixture.Cluster.AdvanceTo(At(zone, wednesday, new LocalTime(16, 59, 59)));
        Assert.Equal(pair.Capped, await ServedAlone(pair));
        fixture.Cluster.AdvanceTo(At(zone, wednesday, new LocalTime(17, 0)));
        Assert.Equal(SkipReasons.OutsideHours, Assert.Single((await Distribute(pair.Scenario, pair.Niche)).Skipped).Reason);
        await fixture.AssertInvariantsHold();
    }

    [Fact]
    public async Task A_cap_set_during_the_day_counts_the_leads_already_taken_that_day()
    {
        var zone = DateTimeZoneProviders.Tzdb["America/Chicago"];
        var pair = await Pair(null, "America/Chicago");
        fixture.Cluster.AdvanceTo(NextLocal(zone, new LocalTime(10, 0)));
        Assert.Equal(pair.Capped, await ServedAlone(pair));
        Assert.Equal(pair.Other, await ServedAlone(pair));

        var controls = await pair.Scenario.Controls(pair.Niche, pair.CappedSubscription, new SubscriptionCapsSpec(LeadsPerDay: 1));

        Assert.Equal(1, Assert.Single(controls.Usage).Leads);
        Assert.Equal(pair.Other, await ServedAlone(pair, SkipReasons.CapReached));
        await fixture.AssertInvariantsHold();
    }

    private sealed record CapPair(Scenario Scenario, NicheView Niche, Guid Capped, Guid CappedSubscription, Guid Other);

    /// <summary>
    /// A one-recipient level with two providers in <paramref name="zone"/>: Capped (first by id) has the
    /// controls, Other none (<paramref name="alone"/>: Capped without Other).
    /// </summary>
    private async Task<CapPair> Pair(SubscriptionCapsSpec? caps, string zone, IReadOnlyList<DeliveryWindowSpec>? hours = null, bool alone = false)
    {
        var s = await Scenario.Start(fixture.Grains);
        var niche = await s.Niche(new Level(1, 1, 100));
        // Ties in the order go to the lower provider id: Capped's.
        var ids = new[] { Guid.NewGuid(), Guid.NewGuid() }.Order().ToArray();
        var capped = await s.Provider(100_000, ids[0]);
        var other = await s.Provider(100_000, ids[1]);
        await s.TimeZone(capped, zone);
        await s.TimeZone(other, zone);
        var cappedSubscription = await s.Subscribe(niche, capped, 1);
        if (!alone)
        {
            await s.Subscribe(niche, other, 1);
        }
        if (caps is not null || hours is not null)
        {
            await s.Controls(niche, cappedSubscription.SubscriptionId, caps, hours);
        }
        return new CapPair(s, niche, capped, cappedSubscription.SubscriptionId, other);
    }

    /// <summary>Distributes one lead to the pair's one-recipient level: who got it, after checking any skip of the capped one.</summary>
    private static async Task<Guid> ServedAlone(CapPair pair, string? cappedSkippedFor = null)
    {
        var result = await Distribute(pair.Scenario, pair.Niche);
        if (cappedSkippedFor is not null)
        {
            Assert.Contains(result.Skipped, k => k.ProviderId == pair.Capped && k.Reason == cappedSkippedFor);
        }
        Assert.True(result.Assignments.Count == 1, $"{result.Status}: skipped {string.Join(", ", result.Skipped.Select(k => $"{(k.ProviderId == pair.Capped ? "capped" : "other")} {k.Reason}"))}");
        return result.Assignments[0].ProviderId;
    }

    private static async Task<IReadOnlyList<Guid>> Served(Scenario s, NicheView niche) =>
        (await Distribute(s, niche)).Assignments.Select(a => a.ProviderId).ToList();

    private static async Task<DistributionResult> Distribute(Scenario s, NicheView niche) => (await s.Distribute(await s.Lead(niche))).Result!;

    private DateTimeOffset NextLocal(DateTimeZone zone, LocalTime time)
    {
        var now = fixture.Cluster.Now();
        var candidate = At(zone, LocalDate(now, zone), time);
        return candidate > now.AddMinutes(1) ? candidate : At(zone, LocalDate(now, zone).PlusDays(1), time);
    }

    private LocalDate NextLocalDate(DateTimeZone zone, IsoDayOfWeek day) => LocalDate(fixture.Cluster.Now(), zone).PlusDays(1).With(DateAdjusters.NextOrSame(day));

    private Instant NextTransition(DateTimeZone zone, bool forward)
    {
        var now = Instant.FromDateTimeOffset(fixture.Cluster.Now());
        return zone.GetZoneIntervals(now, now + Duration.FromDays(400))
            .Skip(1)
            .First(i => forward ? i.WallOffset > zone.GetUtcOffset(i.Start - Duration.Epsilon) : i.WallOffset < zone.GetUtcOffset(i.Start - Duration.Epsilon))
            .Start;
    }

    private static LocalDate LocalDate(DateTimeOffset at, DateTimeZone zone) => Instant.FromDateTimeOffset(at).InZone(zone).Date;

    private static DateTimeOffset At(DateTimeZone zone, LocalDate date, LocalTime time) => date.At(time).InZoneLeniently(zone).ToDateTimeOffset();
}
