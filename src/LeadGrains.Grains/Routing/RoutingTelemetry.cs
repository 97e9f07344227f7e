using System.Diagnostics.Metrics;

namespace LeadGrains.Grains.Routing;

/// <summary>
/// Routing's metrics, on the LeadGrains meter and by its conventions: seconds, a unit on every
/// instrument, bounded attributes (the outcome only: never a source, rule, workspace or lead id).
/// </summary>
public sealed class RoutingTelemetry
{
    /// <summary>The outcomes of a routing attempt, as the <c>leadgrains.routing.outcome</c> attribute.</summary>
    public static readonly string[] Outcomes = ["routed", "duplicate", "unmatched", "destination_disabled", "failed", "dead_lettered"];

    private readonly Counter<long> _attempts;
    private readonly Histogram<double> _latency;
    private readonly Counter<long> _rulesEvaluated;

    public RoutingTelemetry(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(LeadGrainsTelemetry.MeterName);
        _attempts = meter.CreateCounter<long>("leadgrains.routing.attempts", unit: "{attempt}",
            description: "Routing attempts by outcome (routed, duplicate, unmatched, destination_disabled, failed, dead_lettered).");
        _latency = meter.CreateHistogram<double>("leadgrains.routing.duration", unit: "s",
            description: "From a submission's receipt to its routing (routed or duplicate), retries included, by outcome.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 60, 600, 3600, 7200] });
        _rulesEvaluated = meter.CreateCounter<long>("leadgrains.routing.rules_evaluated", unit: "{evaluation}",
            description: "Rule conditions evaluated by routing attempts.");
        // Every outcome's series exists from the start, so a rate over it reads 0, not "no data".
        foreach (var outcome in Outcomes)
        {
            _attempts.Add(0, Tag(outcome));
        }
        _rulesEvaluated.Add(0);
    }

    public void Attempted(string outcome, int rulesEvaluated)
    {
        _attempts.Add(1, Tag(outcome));
        _rulesEvaluated.Add(rulesEvaluated);
    }

    /// <summary>A submission finished routing (routed or duplicate) this long after it was received.</summary>
    public void Finished(string outcome, TimeSpan sinceReceived) => _latency.Record(Math.Max(0, sinceReceived.TotalSeconds), Tag(outcome));

    private static KeyValuePair<string, object?> Tag(string outcome) => new("leadgrains.routing.outcome", outcome);
}
