using LeadGrains.Grains.Niches;

namespace LeadGrains.Cluster.Tests.Distribution;

/// <summary>Niches activated in the same instant save their last services at different instants.</summary>
public sealed class ServiceSaveScheduleTests
{
    private static readonly DateTimeOffset ActivatedAt = new(2027, 1, 6, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    [Fact]
    public void The_first_save_falls_between_one_and_two_intervals_after_the_activation()
    {
        foreach (var nicheId in Enumerable.Range(0, 1000).Select(_ => Guid.NewGuid()))
        {
            var due = ServiceSaveSchedule.FirstSaveDue(nicheId, ActivatedAt, Interval);
            Assert.InRange(due, ActivatedAt + Interval, ActivatedAt + 2 * Interval - TimeSpan.FromTicks(1));
            Assert.Equal(due, ServiceSaveSchedule.FirstSaveDue(nicheId, ActivatedAt, Interval));
        }
    }

    [Fact]
    public void Niches_activated_together_spread_their_saves_over_the_interval()
    {
        // 1,000 niches over ten tenths of the interval: about 100 in each (a tenth holding 200 would
        // be ten standard deviations off); all in one instant is what the schedule is there to avoid.
        var tenths = Enumerable.Range(0, 1000)
            .Select(_ => ServiceSaveSchedule.FirstSaveDue(Guid.NewGuid(), ActivatedAt, Interval))
            .GroupBy(due => (int)((due - ActivatedAt - Interval) / (Interval / 10)))
            .ToDictionary(g => g.Key, g => g.Count());

        Assert.Equal(Enumerable.Range(0, 10), tenths.Keys.Order());
        Assert.All(tenths.Values, count => Assert.InRange(count, 40, 200));
    }
}
