using System.Collections.Concurrent;
using LeadGrains.Domain.Distribution;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LeadGrains.Grains.Operations;

/// <summary>
/// What the fairness gauge (<see cref="OperationsGauges"/>) reports: the lowest Jain's index (1 = every active
/// subscription of a level received as many leads as the others, 1/n = one received them all)
/// among the levels this silo's niches measured in their last window. Niche grains count their
/// assignments in memory (<c>FairnessWindow</c>), so measuring costs no query. A measure holds
/// for two windows (at least a minute, so a scrape or two sees it); a level that stops receiving
/// leads drops out rather than alerting forever.
/// </summary>
public sealed class FairnessGauge
{
    private readonly ConcurrentDictionary<Guid, (double JainsIndex, DateTimeOffset ValidUntil)> _levels = new();
    private readonly TimeProvider _clock;
    private readonly TimeSpan _lifetime;

    public FairnessGauge([FromKeyedServices(LeadGrainsClock.Key)] TimeProvider clock, IOptions<OperationsGaugeOptions> options)
    {
        _clock = clock;
        Window = options.Value.FairnessWindow;
        _lifetime = TimeSpan.FromTicks(Math.Max(2 * Window.Ticks, TimeSpan.TicksPerMinute));
        MinAssignments = options.Value.FairnessMinAssignments;
    }

    /// <summary>How long each niche counts before it measures its levels.</summary>
    public TimeSpan Window { get; }

    /// <summary>A level with fewer assignments in a window is not measured: too few leads say nothing about fairness.</summary>
    public int MinAssignments { get; }

    public void Measured(Guid levelId, FairnessMeasures measures)
    {
        if (measures.JainsIndex is { } index)
        {
            _levels[levelId] = (index, _clock.GetUtcNow() + _lifetime);
        }
    }

    /// <summary>The lowest index among the measures still valid; null when there is none.</summary>
    public double? LowestJainsIndex
    {
        get
        {
            var now = _clock.GetUtcNow();
            double? lowest = null;
            foreach (var (levelId, measure) in _levels)
            {
                if (measure.ValidUntil <= now)
                {
                    _levels.TryRemove(levelId, out _);
                }
                else if (lowest is null || measure.JainsIndex < lowest)
                {
                    lowest = measure.JainsIndex;
                }
            }
            return lowest;
        }
    }
}
