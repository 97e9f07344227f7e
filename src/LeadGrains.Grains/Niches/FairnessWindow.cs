using LeadGrains.Domain.Distribution;
using LeadGrains.Grains.Distribution;
using LeadGrains.Grains.Operations;

namespace LeadGrains.Grains.Niches;

/// <summary>
/// A niche's assignments per subscription over one window of business time. When the window has
/// passed, each level with enough assignments is measured over its servable subscriptions —
/// those that received none count as zeros — and reported to the <see cref="FairnessGauge"/>;
/// then counting starts again. Subscription filters are not weighed: a subscription taking only
/// some states receives fewer leads by design, which the alert's threshold leaves room for.
/// Used only from the niche grain's serial turns.
/// </summary>
internal sealed class FairnessWindow(FairnessGauge gauge)
{
    private readonly Dictionary<Guid, long> _served = new();
    private DateTimeOffset? _openedAt;

    public void Recorded(DistributionPlan plan, NicheMarket market)
    {
        _openedAt ??= plan.ServedAt;
        foreach (var assignment in plan.Assignments)
        {
            _served[assignment.SubscriptionId] = _served.GetValueOrDefault(assignment.SubscriptionId) + 1;
        }
        if (plan.ServedAt - _openedAt >= gauge.Window)
        {
            Measure(market);
            _served.Clear();
            _openedAt = null;
        }
    }

    private void Measure(NicheMarket market)
    {
        foreach (var (levelId, subscriptions) in market.ServableByLevel())
        {
            var counts = subscriptions.Select(id => _served.GetValueOrDefault(id)).ToList();
            if (counts.Sum() >= gauge.MinAssignments)
            {
                gauge.Measured(levelId, FairnessMeasures.Of(counts));
            }
        }
    }
}
