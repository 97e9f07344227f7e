using LeadGrains.Domain.Distribution;

namespace LeadGrains.Domain.Tests.Distribution;

public sealed class RotationPointerTests
{
    private static readonly int[] ThreeLevels = [1, 2, 3];

    [Fact]
    public void Seed_example_starts_at_two_and_visits_two_three_one()
    {
        var start = RotationPointer.ResolveStart(ThreeLevels, pointer: 2);

        Assert.Equal(2, start);
        Assert.Equal([2, 3, 1], RotationPointer.Traversal(ThreeLevels, start));
    }

    [Theory]
    [InlineData(1, 2)]
    [InlineData(2, 3)]
    [InlineData(3, 1)]
    public void Advance_moves_one_level_and_wraps(int start, int expected)
    {
        Assert.Equal(expected, RotationPointer.Advance(ThreeLevels, start));
    }

    [Fact]
    public void Traversal_from_the_last_level_wraps_to_the_first()
    {
        Assert.Equal([3, 1, 2], RotationPointer.Traversal(ThreeLevels, 3));
    }

    [Fact]
    public void Positions_given_out_of_order_are_treated_as_ascending()
    {
        int[] shuffled = [3, 1, 2];

        Assert.Equal([2, 3, 1], RotationPointer.Traversal(shuffled, 2));
        Assert.Equal(3, RotationPointer.ResolveStart(shuffled, 3));
        Assert.Equal(1, RotationPointer.Advance(shuffled, 3));
    }

    [Fact]
    public void Inactive_positions_are_skipped()
    {
        int[] active = [1, 3, 4];

        Assert.Equal([3, 4, 1], RotationPointer.Traversal(active, 3));
        Assert.Equal(3, RotationPointer.Advance(active, 1));
        Assert.Equal(1, RotationPointer.Advance(active, 4));
    }

    [Theory]
    [InlineData(2, 3)]
    [InlineData(5, 1)]
    [InlineData(0, 1)]
    [InlineData(-7, 1)]
    public void A_pointer_at_an_inactive_or_missing_level_resolves_to_the_next_active_one(int pointer, int expected)
    {
        Assert.Equal(expected, RotationPointer.ResolveStart([1, 3, 4], pointer));
    }

    [Fact]
    public void Advancing_past_a_level_deactivated_since_the_lead_started_still_moves_forward()
    {
        Assert.Equal(4, RotationPointer.Advance([1, 4], start: 2));
    }

    [Fact]
    public void A_single_level_is_always_the_start_and_the_whole_traversal()
    {
        int[] single = [2];

        Assert.Equal(2, RotationPointer.ResolveStart(single, 1));
        Assert.Equal(2, RotationPointer.ResolveStart(single, 3));
        Assert.Equal([2], RotationPointer.Traversal(single, 2));
        Assert.Equal(2, RotationPointer.Advance(single, 2));
    }

    [Fact]
    public void No_active_levels_is_a_caller_error()
    {
        Assert.Throws<ArgumentException>(() => RotationPointer.ResolveStart([], 1));
        Assert.Throws<ArgumentException>(() => RotationPointer.Traversal([], 1));
        Assert.Throws<ArgumentException>(() => RotationPointer.Advance([], 1));
    }

    [Fact]
    public void Traversal_must_start_at_an_active_position()
    {
        Assert.Throws<ArgumentException>(() => RotationPointer.Traversal([1, 3], 2));
    }

    [Fact]
    public void Every_traversal_visits_each_active_level_exactly_once()
    {
        foreach (var active in NonEmptySubsetsOfOneToFive())
        {
            foreach (var start in active)
            {
                var traversal = RotationPointer.Traversal(active, start);

                Assert.Equal(start, traversal[0]);
                Assert.Equal(active.Order(), traversal.Order());
            }
        }
    }

    [Fact]
    public void Advancing_n_times_from_any_pointer_visits_the_active_levels_cyclically()
    {
        foreach (var active in NonEmptySubsetsOfOneToFive())
        {
            for (var pointer = -1; pointer <= 7; pointer++)
            {
                var firstStart = RotationPointer.ResolveStart(active, pointer);
                var cycle = RotationPointer.Traversal(active, firstStart);
                var leads = 3 * active.Length + 1;

                var starts = new List<int>();
                var current = pointer;
                for (var lead = 0; lead < leads; lead++)
                {
                    var start = RotationPointer.ResolveStart(active, current);
                    starts.Add(start);
                    current = RotationPointer.Advance(active, start);
                }

                var expected = Enumerable.Range(0, leads).Select(i => cycle[i % cycle.Count]);
                Assert.Equal(expected, starts);
            }
        }
    }

    private static IEnumerable<int[]> NonEmptySubsetsOfOneToFive() =>
        Enumerable.Range(1, 31).Select(mask =>
            Enumerable.Range(1, 5).Where(position => (mask & (1 << (position - 1))) != 0).ToArray());
}
