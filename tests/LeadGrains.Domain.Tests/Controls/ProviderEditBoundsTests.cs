using LeadGrains.Domain.Controls;
using NodaTime;

namespace LeadGrains.Domain.Tests.Controls;

public sealed class ProviderEditBoundsTests
{
    private static readonly ProviderEditBounds Bounds = new(
        new SubscriptionCaps(LeadsPerDay: 10, BudgetCentsPerMonth: 50_000),
        new DeliveryHours([new DeliveryWindow(IsoDayOfWeek.Monday, 8 * 60, 20 * 60)]));

    private static readonly DeliveryHours Inside = new([new DeliveryWindow(IsoDayOfWeek.Monday, 9 * 60, 17 * 60)]);

    [Fact]
    public void Caps_and_hours_inside_the_bounds_pass()
    {
        Assert.Empty(Bounds.Check(new SubscriptionCaps(LeadsPerDay: 10, LeadsPerWeek: 40, BudgetCentsPerMonth: 1), Inside));
    }

    [Fact]
    public void A_cap_above_its_bound_or_removed_and_hours_outside_are_each_named()
    {
        var errors = Bounds.Check(new SubscriptionCaps(LeadsPerDay: 11), null);

        Assert.Equal(["caps.budget_cents_per_month", "caps.leads_per_day", "delivery_hours"], errors.Keys.Order());
    }

    [Fact]
    public void Without_bounds_on_a_field_any_value_passes()
    {
        var open = new ProviderEditBounds(SubscriptionCaps.None, null);

        Assert.Empty(open.Check(SubscriptionCaps.None, null));
        Assert.Empty(open.Check(new SubscriptionCaps(LeadsPerMonth: 1_000), Inside));
    }

    [Fact]
    public void Validation_refuses_zero_caps_and_backwards_or_empty_schedules()
    {
        Assert.Equal(["caps.budget_cents_per_day", "caps.leads_per_week"],
            ControlsValidation.Check(new SubscriptionCaps(LeadsPerWeek: 0, BudgetCentsPerDay: -1), null).Keys.Order());
        Assert.Contains("delivery_hours", ControlsValidation.Check(SubscriptionCaps.None, new DeliveryHours([])).Keys);
        Assert.Contains("delivery_hours", ControlsValidation.Check(SubscriptionCaps.None,
            new DeliveryHours([new DeliveryWindow(IsoDayOfWeek.Monday, 17 * 60, 9 * 60)])).Keys);
    }
}
