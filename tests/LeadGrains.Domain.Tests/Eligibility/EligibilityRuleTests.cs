using LeadGrains.Abstractions.Niches;
using LeadGrains.Domain.Eligibility;
using static LeadGrains.Domain.Tests.Eligibility.LeadProfiles;

namespace LeadGrains.Domain.Tests.Eligibility;

public sealed class EligibilityRuleTests
{
    [Theory]
    [InlineData("TX", true)]
    [InlineData("tx", true)]
    [InlineData("Ok", true)]
    [InlineData("CA", false)]
    public void State_rule_accepts_listed_states_in_any_case(string state, bool expected)
    {
        var rule = new StateRule(["TX", "ok"]);

        Assert.Equal(expected, rule.Accepts(Lead(state: state)));
    }

    [Theory]
    [InlineData("75201", true)]
    [InlineData("75001-1234", true)]
    [InlineData("76102", false)]
    [InlineData(null, false)]
    public void Zip_prefix_rule_needs_a_zip_starting_with_a_prefix(string? zip, bool expected)
    {
        var rule = new ZipPrefixRule(["752", "750"]);

        Assert.Equal(expected, rule.Accepts(Lead(zip: zip)));
    }

    [Theory]
    [InlineData(100_00L, true)]
    [InlineData(500_00L, true)]
    [InlineData(250_00L, true)]
    [InlineData(99_99L, false)]
    [InlineData(500_01L, false)]
    [InlineData(null, false)]
    public void Amount_range_rule_is_inclusive_and_needs_an_amount(long? amountCents, bool expected)
    {
        var rule = new AmountRangeRule(100_00, 500_00);

        Assert.Equal(expected, rule.Accepts(Lead(amountCents: amountCents)));
    }

    [Fact]
    public void Amount_range_rule_with_one_bound_is_open_on_the_other_side()
    {
        Assert.True(new AmountRangeRule(100, null).Accepts(Lead(amountCents: long.MaxValue)));
        Assert.True(new AmountRangeRule(null, 100).Accepts(Lead(amountCents: 0)));
        Assert.False(new AmountRangeRule(null, 100).Accepts(Lead(amountCents: 101)));
    }

    [Theory]
    [InlineData("1500", true)]
    [InlineData("1000", true)]
    [InlineData("2000.00", true)]
    [InlineData("2000.01", false)]
    [InlineData("999.99", false)]
    [InlineData(" 1,500.5 ", true)]
    public void Numeric_range_rule_reads_the_attribute_as_an_invariant_number(string value, bool expected)
    {
        var rule = new NumericRangeRule(new NumericRange("square_feet", 1000, 2000));

        Assert.Equal(expected, rule.Accepts(Lead(attributes: ("square_feet", value))));
    }

    [Fact]
    public void Numeric_range_rule_rejects_a_lead_without_the_attribute()
    {
        var rule = new NumericRangeRule(new NumericRange("square_feet", 1000, null));

        Assert.False(rule.Accepts(Lead(attributes: ("bedrooms", "3"))));
    }

    [Fact]
    public void Numeric_range_rule_throws_on_a_value_that_is_not_a_number()
    {
        var rule = new NumericRangeRule(new NumericRange("square_feet", 1000, null));

        Assert.Throws<FormatException>(() => rule.Accepts(Lead(attributes: ("square_feet", "big"))));
    }

    [Theory]
    [InlineData("Residential", true)]
    [InlineData("COMMERCIAL", true)]
    [InlineData("industrial", false)]
    public void Attribute_set_rule_accepts_listed_values_in_any_case(string value, bool expected)
    {
        var rule = new AttributeSetRule("move_type", ["residential", "commercial"]);

        Assert.Equal(expected, rule.Accepts(Lead(attributes: ("move_type", value))));
    }

    [Fact]
    public void Attribute_set_rule_rejects_a_lead_without_the_attribute()
    {
        var rule = new AttributeSetRule("move_type", ["residential"]);

        Assert.False(rule.Accepts(Lead()));
    }
}
