namespace LeadGrains.Workload.Tests;

public sealed class SplitMix64Tests
{
    [Fact]
    public void It_gives_the_reference_sequence()
    {
        // The published test vector of SplitMix64 for seed 1234567.
        var random = new SplitMix64(1234567);

        Assert.Equal(
            [6457827717110365317UL, 3203168211198807973UL, 9817491932198370423UL, 4593380528125082431UL, 16408922859458223821UL],
            Enumerable.Range(0, 5).Select(_ => random.NextUInt64()));
    }

    [Fact]
    public void Bounded_draws_stay_in_range_and_reach_every_value()
    {
        var random = new SplitMix64(7);

        var draws = Enumerable.Range(0, 10_000).Select(_ => random.NextInt(50)).ToList();

        Assert.All(draws, d => Assert.InRange(d, 0, 49));
        Assert.Equal(50, draws.Distinct().Count());
    }

    [Fact]
    public void A_sample_holds_distinct_items()
    {
        var random = new SplitMix64(7);

        var sample = random.Sample(UsStates.All, 10);

        Assert.Equal(10, sample.Distinct().Count());
        Assert.All(sample, state => Assert.Contains(state, UsStates.All));
    }

    [Fact]
    public void Uuids_are_version_4_in_lower_case()
    {
        var uuid = new SplitMix64(7).NextUuid();

        Assert.Matches("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$", uuid);
        Assert.Equal(4, Guid.Parse(uuid).Version);
    }
}
