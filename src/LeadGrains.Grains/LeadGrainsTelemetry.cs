using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace LeadGrains.Grains;

/// <summary>
/// The domain metrics and trace source of LeadGrains (DESIGN, "Observability"). Tags are low
/// cardinality on purpose: statuses and reasons, never lead, provider or niche ids.
/// </summary>
public sealed class LeadGrainsTelemetry
{
    public const string MeterName = "LeadGrains";
    public const string ActivitySourceName = "LeadGrains";

    public static readonly ActivitySource ActivitySource = new(ActivitySourceName);

    private readonly Counter<long> _distributions;
    private readonly Counter<long> _assignments;
    private readonly Counter<long> _skips;
    private readonly Histogram<double> _distributionDuration;
    private readonly Counter<long> _ledgerDiscrepancies;
    private readonly Histogram<int> _groupSize;
    private readonly Histogram<double> _groupDuration;
    private readonly Counter<long> _refusals;
    private readonly Counter<long> _busy;

    public LeadGrainsTelemetry(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _distributions = meter.CreateCounter<long>("leadgrains.distributions", description: "Distribution attempts by final status.");
        _assignments = meter.CreateCounter<long>("leadgrains.assignments", description: "Assignments created (each charged).");
        _skips = meter.CreateCounter<long>("leadgrains.distribution.skips", description: "Candidates passed over, by reason.");
        _distributionDuration = meter.CreateHistogram<double>("leadgrains.distribution.duration", unit: "ms", description: "Time of one distribution attempt.");
        _ledgerDiscrepancies = meter.CreateCounter<long>("leadgrains.ledger.discrepancies", description: "Invariant violations found by reconciliation.");
        _groupSize = meter.CreateHistogram<int>("leadgrains.distribution.group.size", unit: "{distribution}", description: "Distributions committed together in one transaction.");
        _groupDuration = meter.CreateHistogram<double>("leadgrains.distribution.group.duration", unit: "ms", description: "Time of one group-commit transaction, by outcome.");
        _refusals = meter.CreateCounter<long>("leadgrains.distribution.refusals", unit: "{decision}", description: "Decisions the database refused and the niche took again, by reason (stale, insufficient_balance).");
        _busy = meter.CreateCounter<long>("leadgrains.distribution.busy", unit: "{distribution}", description: "Distributions answered busy (a niche or silo at its limit in flight) and queued for later.");
    }

    public void DistributionCompleted(string status, int assignments, double durationMs)
    {
        _distributions.Add(1, new KeyValuePair<string, object?>("status", status));
        _assignments.Add(assignments);
        _distributionDuration.Record(durationMs, new KeyValuePair<string, object?>("status", status));
    }

    /// <summary>One group-commit transaction: how many distributions it carried, how long it took, whether it committed.</summary>
    public void GroupCommitted(int distributions, double durationMs, bool committed)
    {
        var outcome = new KeyValuePair<string, object?>("outcome", committed ? "committed" : "failed");
        _groupSize.Record(distributions, outcome);
        _groupDuration.Record(durationMs, outcome);
    }

    public void LedgerReconciled(int violations) => _ledgerDiscrepancies.Add(violations);

    public void CandidateSkipped(string reason) => _skips.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void DecisionRefused(string reason) => _refusals.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void DistributionBusy() => _busy.Add(1);
}
