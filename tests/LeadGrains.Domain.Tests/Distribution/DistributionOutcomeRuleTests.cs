using LeadGrains.Domain.Distribution;

namespace LeadGrains.Domain.Tests.Distribution;

public sealed class DistributionOutcomeRuleTests
{
    [Theory]
    [InlineData(new int[0], DistributionOutcome.NoEligible)]
    [InlineData(new[] { 0, 0, 0 }, DistributionOutcome.NoEligible)]
    [InlineData(new[] { 2, 1, 3 }, DistributionOutcome.Success)]
    [InlineData(new[] { 1 }, DistributionOutcome.Success)]
    [InlineData(new[] { 2, 0, 1 }, DistributionOutcome.Partial)]
    [InlineData(new[] { 0, 0, 1 }, DistributionOutcome.Partial)]
    public void Decides_from_the_assignments_of_each_traversed_level(int[] assignments, DistributionOutcome expected)
    {
        Assert.Equal(expected, DistributionOutcomeRule.Decide(assignments));
    }

    [Fact]
    public void A_negative_count_is_a_caller_error()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => DistributionOutcomeRule.Decide([1, -1]));
    }

    [Theory]
    [InlineData(DistributionOutcome.Success, "success")]
    [InlineData(DistributionOutcome.Partial, "partial")]
    [InlineData(DistributionOutcome.NoEligible, "no_eligible")]
    [InlineData(DistributionOutcome.Failed, "failed")]
    public void Wire_names_are_snake_case_and_parse_back(DistributionOutcome outcome, string wire)
    {
        Assert.Equal(wire, outcome.ToWire());
        Assert.True(DistributionOutcomeWire.TryParseWire(wire, out var parsed));
        Assert.Equal(outcome, parsed);
    }

    [Theory]
    [InlineData("Success")]
    [InlineData("queued")]
    [InlineData(null)]
    public void Unknown_wire_names_do_not_parse(string? wire)
    {
        Assert.False(DistributionOutcomeWire.TryParseWire(wire, out _));
    }
}
