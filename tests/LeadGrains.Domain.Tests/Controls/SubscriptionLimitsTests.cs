using LeadGrains.Domain.Controls;
using LeadGrains.Domain.Distribution;
using NodaTime;

namespace LeadGrains.Domain.Tests.Controls;

public sealed class SubscriptionLimitsTests
{
    private static readonly DateTimeZone Chicago = DateTimeZoneProviders.Tzdb["America/Chicago"];
    private static readonly Instant Noon = Instant.FromUtc(2027, 1, 6, 18, 0);   // Wednesday 12:00 in Chicago

    [Fact]
    public void A_lead_cap_holds_back_the_lead_past_it_and_a_new_day_counts_from_zero()
    {
        var limits = new SubscriptionLimits(new SubscriptionCaps(LeadsPerDay: 2), null, Chicago);

        limits.Served(100, Noon);
        Assert.Null(limits.HoldsBack(100, Noon));
        limits.Served(100, Noon);
        Assert.Equal(SkipReasons.CapReached, limits.HoldsBack(100, Noon));
        Assert.Null(limits.HoldsBack(100, Noon + Duration.FromHours(12)));   // Thursday in Chicago
    }

    [Fact]
    public void A_budget_holds_back_a_lead_whose_price_would_pass_it_but_not_a_cheaper_one()
    {
        var limits = new SubscriptionLimits(new SubscriptionCaps(BudgetCentsPerWeek: 250), null, Chicago);
        limits.Served(200, Noon);

        Assert.Equal(SkipReasons.BudgetReached, limits.HoldsBack(100, Noon));
        Assert.Null(limits.HoldsBack(50, Noon));
    }

    [Fact]
    public void A_reached_cap_wins_over_a_reached_budget()
    {
        var limits = new SubscriptionLimits(new SubscriptionCaps(LeadsPerMonth: 1, BudgetCentsPerDay: 100), null, Chicago);
        limits.Served(100, Noon);

        Assert.Equal(SkipReasons.CapReached, limits.HoldsBack(100, Noon));
    }

    [Fact]
    public void Counts_taken_from_the_database_count_only_in_their_own_period()
    {
        var limits = new SubscriptionLimits(new SubscriptionCaps(LeadsPerDay: 3), null, Chicago);

        limits.Counted(CapPeriod.Day, new LocalDate(2027, 1, 5), 3, 300);   // yesterday's
        Assert.Null(limits.HoldsBack(100, Noon));
        limits.Counted(CapPeriod.Day, new LocalDate(2027, 1, 6), 3, 300);
        Assert.Equal(SkipReasons.CapReached, limits.HoldsBack(100, Noon));
    }

    [Fact]
    public void Outside_its_hours_a_subscription_is_held_back_before_its_caps_are_asked()
    {
        var hours = new DeliveryHours([new DeliveryWindow(IsoDayOfWeek.Wednesday, 9 * 60, 17 * 60)]);
        var limits = new SubscriptionLimits(new SubscriptionCaps(LeadsPerDay: 1), hours, Chicago);
        limits.Served(100, Noon);

        Assert.Equal(SkipReasons.CapReached, limits.HoldsBack(100, Noon));
        Assert.Equal(SkipReasons.OutsideHours, limits.HoldsBack(100, Noon + Duration.FromHours(5)));   // 17:00
    }
}
