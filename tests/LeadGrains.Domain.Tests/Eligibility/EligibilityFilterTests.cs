using LeadGrains.Abstractions.Niches;
using LeadGrains.Domain.Eligibility;
using static LeadGrains.Domain.Tests.Eligibility.LeadProfiles;

namespace LeadGrains.Domain.Tests.Eligibility;

public sealed class EligibilityFilterTests
{
    private static readonly SubscriptionFilters EveryKind = new()
    {
        States = ["TX"],
        ZipPrefixes = ["752"],
        MinAmountCents = 100_00,
        MaxAmountCents = 10_000_00,
        NumericRanges = [new NumericRange("bedrooms", 2, 5)],
        AttributeSets = new Dictionary<string, IReadOnlyList<string>> { ["move_type"] = ["residential"] },
    };

    [Fact]
    public void No_filters_accept_every_lead()
    {
        var filter = EligibilityFilter.From(SubscriptionFilters.None);

        Assert.Empty(filter.Rules);
        Assert.Equal(EligibilityVerdict.Eligible, filter.Evaluate(Lead(zip: null, amountCents: null)));
        Assert.Equal(EligibilityVerdict.Eligible, EligibilityFilter.AcceptAll.Evaluate(Lead(state: "CA")));
    }

    [Fact]
    public void Each_kind_of_filter_compiles_to_its_rule()
    {
        var filter = EligibilityFilter.From(EveryKind);

        Assert.Collection(
            filter.Rules,
            rule => Assert.IsType<StateRule>(rule),
            rule => Assert.IsType<ZipPrefixRule>(rule),
            rule => Assert.IsType<AmountRangeRule>(rule),
            rule => Assert.IsType<NumericRangeRule>(rule),
            rule => Assert.IsType<AttributeSetRule>(rule));
    }

    [Fact]
    public void A_lead_meeting_every_filter_is_eligible()
    {
        var lead = Lead(attributes: [("bedrooms", "3"), ("move_type", "Residential")]);

        Assert.Equal(EligibilityVerdict.Eligible, EligibilityFilter.From(EveryKind).Evaluate(lead));
    }

    [Fact]
    public void A_lead_failing_any_filter_is_not_eligible()
    {
        var filter = EligibilityFilter.From(EveryKind);
        (string, string)[] attributes = [("bedrooms", "3"), ("move_type", "residential")];

        Assert.Equal(EligibilityVerdict.NotEligible, filter.Evaluate(Lead(state: "OK", attributes: attributes)));
        Assert.Equal(EligibilityVerdict.NotEligible, filter.Evaluate(Lead(zip: "76102", attributes: attributes)));
        Assert.Equal(EligibilityVerdict.NotEligible, filter.Evaluate(Lead(amountCents: 5, attributes: attributes)));
        Assert.Equal(EligibilityVerdict.NotEligible, filter.Evaluate(Lead(attributes: [("bedrooms", "9"), ("move_type", "residential")])));
        Assert.Equal(EligibilityVerdict.NotEligible, filter.Evaluate(Lead(attributes: [("bedrooms", "3"), ("move_type", "office")])));
    }

    [Fact]
    public void A_filter_that_throws_gives_an_error_verdict()
    {
        var filter = EligibilityFilter.From(EveryKind);

        var verdict = filter.Evaluate(Lead(attributes: [("bedrooms", "three"), ("move_type", "residential")]));

        Assert.Equal(EligibilityVerdict.Error, verdict);
    }

    [Fact]
    public void A_lead_already_rejected_by_an_earlier_filter_is_not_eligible_rather_than_an_error()
    {
        var filter = EligibilityFilter.From(EveryKind);

        var verdict = filter.Evaluate(Lead(state: "CA", attributes: [("bedrooms", "three")]));

        Assert.Equal(EligibilityVerdict.NotEligible, verdict);
    }

    [Fact]
    public void Only_one_amount_bound_still_constrains_the_amount()
    {
        var filter = EligibilityFilter.From(new SubscriptionFilters { MaxAmountCents = 100 });

        Assert.Equal(EligibilityVerdict.Eligible, filter.Evaluate(Lead(amountCents: 100)));
        Assert.Equal(EligibilityVerdict.NotEligible, filter.Evaluate(Lead(amountCents: 101)));
    }

    [Fact]
    public void An_empty_state_list_accepts_no_lead()
    {
        var filter = EligibilityFilter.From(new SubscriptionFilters { States = [] });

        Assert.Equal(EligibilityVerdict.NotEligible, filter.Evaluate(Lead()));
    }
}
