using LeadGrains.Abstractions.Niches;
using LeadGrains.Domain.Eligibility;

namespace LeadGrains.Domain.Tests.Eligibility;

public sealed class SubscriptionFilterValidationTests
{
    [Fact]
    public void No_filters_and_sensible_filters_are_valid()
    {
        Assert.Empty(SubscriptionFilterValidation.Validate(SubscriptionFilters.None));
        Assert.Empty(SubscriptionFilterValidation.Validate(new SubscriptionFilters
        {
            States = ["TX", "ok", "DC"],
            ZipPrefixes = ["7", "75201"],
            MinAmountCents = 0,
            MaxAmountCents = 0,
            NumericRanges = [new NumericRange("bedrooms", 1, 1), new NumericRange("sqft", null, 10)],
            AttributeSets = new Dictionary<string, IReadOnlyList<string>> { ["move_type"] = ["residential"] },
        }));
    }

    [Fact]
    public void Empty_lists_are_rejected_because_they_would_match_nothing()
    {
        var errors = SubscriptionFilterValidation.Validate(new SubscriptionFilters { States = [], ZipPrefixes = [] });

        Assert.Equal(["filters.states", "filters.zip_prefixes"], errors.Keys.Order());
    }

    [Fact]
    public void Unknown_states_are_named_in_the_error()
    {
        var errors = SubscriptionFilterValidation.Validate(new SubscriptionFilters { States = ["TX", "XX", "Texas"] });

        var message = Assert.Single(errors["filters.states"]);
        Assert.Contains("'XX'", message);
        Assert.Contains("'Texas'", message);
        Assert.DoesNotContain("'TX'", message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("7520a")]
    [InlineData("752011")]
    public void Zip_prefixes_must_be_one_to_five_digits(string prefix)
    {
        var errors = SubscriptionFilterValidation.Validate(new SubscriptionFilters { ZipPrefixes = [prefix] });

        Assert.True(errors.ContainsKey("filters.zip_prefixes"));
    }

    [Fact]
    public void Amount_bounds_must_be_non_negative_and_ordered()
    {
        Assert.True(SubscriptionFilterValidation.Validate(new SubscriptionFilters { MinAmountCents = -1 }).ContainsKey("filters.min_amount_cents"));
        Assert.True(SubscriptionFilterValidation.Validate(new SubscriptionFilters { MaxAmountCents = -1 }).ContainsKey("filters.max_amount_cents"));
        Assert.True(SubscriptionFilterValidation.Validate(new SubscriptionFilters { MinAmountCents = 10, MaxAmountCents = 9 }).ContainsKey("filters.max_amount_cents"));
    }

    [Fact]
    public void Numeric_ranges_need_an_attribute_a_bound_and_an_order()
    {
        var errors = SubscriptionFilterValidation.Validate(new SubscriptionFilters
        {
            NumericRanges = [new NumericRange(" ", 1, 2), new NumericRange("sqft", null, null), new NumericRange("beds", 5, 1), new NumericRange("ok", 1, 2)],
        });

        Assert.Equal(3, errors["filters.numeric_ranges"].Length);
    }

    [Fact]
    public void Attribute_sets_need_at_least_one_value()
    {
        var errors = SubscriptionFilterValidation.Validate(new SubscriptionFilters
        {
            AttributeSets = new Dictionary<string, IReadOnlyList<string>> { ["move_type"] = [] },
        });

        Assert.Contains("move_type", Assert.Single(errors["filters.attribute_sets"]));
    }
}
