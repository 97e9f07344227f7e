using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using LeadGrains.Abstractions.Distribution;
using LeadGrains.Abstractions.Providers;
using LeadGrains.Domain.Distribution;

namespace LeadGrains.Grains;

/// <summary>
/// The domain metrics and trace source of LeadGrains, by the OpenTelemetry conventions: durations
/// in seconds, a unit on every instrument, attributes namespaced <c>leadgrains.*</c>. Attributes are
/// bounded on purpose: statuses, reasons, job names, and for assignments and revenue the niche and
/// level ids (configuration, not traffic) — never lead or provider ids.
/// </summary>
public sealed class LeadGrainsTelemetry
{
    public const string MeterName = "LeadGrains";
    public const string ActivitySourceName = "LeadGrains";

    public static readonly ActivitySource ActivitySource = new(ActivitySourceName);

    private readonly Counter<long> _submitted;
    private readonly Counter<long> _approved;
    private readonly Counter<long> _distributions;
    private readonly Counter<long> _assignments;
    private readonly Counter<long> _revenue;
    // Niches and levels are few and measured on every distribution: each id is formatted once.
    private readonly ConcurrentDictionary<Guid, string> _idTexts = new();
    private readonly Counter<long> _skips;
    private readonly Histogram<double> _distributionDuration;
    private readonly Counter<long> _failedAttempts;
    private readonly Counter<long> _deadLettered;
    private readonly Counter<long> _deposits;
    private readonly Counter<long> _deposited;
    private readonly Counter<long> _jobRuns;
    private readonly Histogram<double> _jobDuration;
    private readonly Counter<long> _ledgerDiscrepancies;
    private readonly Histogram<int> _groupSize;
    private readonly Histogram<double> _groupDuration;
    private readonly Counter<long> _refusals;
    private readonly Counter<long> _busy;
    private readonly Counter<long> _returnRequests;
    private readonly Counter<long> _returnDecisions;
    private readonly Counter<long> _refunded;

    public LeadGrainsTelemetry(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _submitted = meter.CreateCounter<long>("leadgrains.leads.submitted", unit: "{lead}", description: "Leads submitted, by intake outcome (accepted, duplicate, invalid).");
        _approved = meter.CreateCounter<long>("leadgrains.leads.approved", unit: "{lead}", description: "Leads approved.");
        _distributions = meter.CreateCounter<long>("leadgrains.distributions", unit: "{distribution}", description: "Distribution attempts by final status.");
        _assignments = meter.CreateCounter<long>("leadgrains.assignments", unit: "{assignment}", description: "Assignments recorded (each charged), by niche and level.");
        _revenue = meter.CreateCounter<long>("leadgrains.revenue", unit: "{cent}", description: "Cents charged for recorded assignments, by niche and level.");
        _skips = meter.CreateCounter<long>("leadgrains.distribution.skips", unit: "{candidate}", description: "Candidates passed over, by reason.");
        _distributionDuration = meter.CreateHistogram<double>("leadgrains.distribution.duration", unit: "s", description: "Time of one distribution attempt, by final status.");
        _failedAttempts = meter.CreateCounter<long>("leadgrains.distribution.failed_attempts", unit: "{attempt}", description: "Distribution attempts that failed, by what followed (retry_scheduled, dead_lettered).");
        _deadLettered = meter.CreateCounter<long>("leadgrains.dead_letters.created", unit: "{entry}", description: "Leads dead-lettered after their last failed attempt.");
        _deposits = meter.CreateCounter<long>("leadgrains.deposits", unit: "{deposit}", description: "Deposit requests, by outcome (deposited, replayed, key_conflict, provider_not_found).");
        _deposited = meter.CreateCounter<long>("leadgrains.deposits.amount", unit: "{cent}", description: "Cents deposited (first effects only, not replays).");
        _jobRuns = meter.CreateCounter<long>("leadgrains.job.runs", unit: "{run}", description: "Scheduled job runs, by job and outcome (succeeded, failed).");
        _jobDuration = meter.CreateHistogram<double>("leadgrains.job.duration", unit: "s", description: "Time of one scheduled job run, by job.");
        _ledgerDiscrepancies = meter.CreateCounter<long>("leadgrains.ledger.discrepancies", unit: "{discrepancy}", description: "Invariant violations found by reconciliation (a run with none adds 0, so the series exists).");
        _groupSize = meter.CreateHistogram<int>("leadgrains.distribution.group.size", unit: "{distribution}", description: "Distributions committed together in one transaction.");
        _groupDuration = meter.CreateHistogram<double>("leadgrains.distribution.group.duration", unit: "s", description: "Time of one group-commit transaction, by outcome.");
        _refusals = meter.CreateCounter<long>("leadgrains.distribution.refusals", unit: "{decision}", description: "Decisions the database refused and the niche took again, by reason (stale, insufficient_balance).");
        _busy = meter.CreateCounter<long>("leadgrains.distribution.busy", unit: "{distribution}", description: "Distributions answered busy (a niche or silo at its limit in flight) and queued for later.");
        _returnRequests = meter.CreateCounter<long>("leadgrains.returns.requests", unit: "{request}",
            description: "Return requests, by outcome (auto_approved, review_required, rate_limit, already_requested, window_closed, not_found).");
        _returnDecisions = meter.CreateCounter<long>("leadgrains.returns.decisions", unit: "{return}",
            description: "Returns decided (first decisions only, not repeats), by decision (approved, rejected) and by whom (auto, reviewer).");
        _refunded = meter.CreateCounter<long>("leadgrains.returns.refunded", unit: "{cent}",
            description: "Cents credited back by approved returns (first approvals only), by whom (auto, reviewer).");
        StartAtZero();
    }

    /// <summary>
    /// The fault counters exist from the start, at zero: a rate over a series that appears only with
    /// the first fault reads as "no data" instead of 0, and an alert's ratio would have nothing to divide.
    /// </summary>
    private void StartAtZero()
    {
        _distributions.Add(0, Tag("leadgrains.distribution.status", DistributionOutcome.Failed.ToWire()));
        _failedAttempts.Add(0, Tag("leadgrains.attempt.outcome", "retry_scheduled"));
        _failedAttempts.Add(0, Tag("leadgrains.attempt.outcome", "dead_lettered"));
        _deadLettered.Add(0);
        _refusals.Add(0, Tag("leadgrains.refusal.reason", "stale"));
        _refusals.Add(0, Tag("leadgrains.refusal.reason", "insufficient_balance"));
        _busy.Add(0);
        _ledgerDiscrepancies.Add(0);
        // The return-rate alert divides returns by assignments: its series exist before the first return.
        foreach (var outcome in ReturnRequestOutcomes)
        {
            _returnRequests.Add(0, Tag("leadgrains.return.outcome", outcome));
        }
        _refunded.Add(0, Tag("leadgrains.return.decided_by", "auto"));
        _refunded.Add(0, Tag("leadgrains.return.decided_by", "reviewer"));
    }

    private static readonly string[] ReturnRequestOutcomes = ["auto_approved", "review_required", "rate_limit", "already_requested", "window_closed", "not_found"];

    public void LeadSubmitted(string outcome) => _submitted.Add(1, Tag("leadgrains.intake.outcome", outcome));

    public void LeadApproved() => _approved.Add(1);

    /// <summary>A recorded distribution: its status and duration, and its assignments counted and priced by niche and level.</summary>
    public void DistributionRecorded(Guid nicheId, string status, IReadOnlyList<AssignmentRecord> assignments, double durationMs)
    {
        Distribution(status, durationMs);
        var niche = Tag("leadgrains.niche.id", IdText(nicheId));
        // A plan's assignments come level by level: one measurement per level, not per assignment.
        for (var first = 0; first < assignments.Count;)
        {
            var levelId = assignments[first].LevelId;
            var (count, cents) = (0, 0L);
            for (; first < assignments.Count && assignments[first].LevelId == levelId; first++)
            {
                count++;
                cents += assignments[first].PriceCents;
            }
            var level = Tag("leadgrains.level.id", IdText(levelId));
            _assignments.Add(count, niche, level);
            _revenue.Add(cents, niche, level);
        }
    }

    private string IdText(Guid id) => _idTexts.GetOrAdd(id, static id => id.ToString());

    public void DistributionFailed(double durationMs) => Distribution(DistributionOutcome.Failed.ToWire(), durationMs);

    /// <summary>A failed attempt, and whether it was rescheduled or dead-lettered its lead.</summary>
    public void AttemptFailed(string outcome)
    {
        _failedAttempts.Add(1, Tag("leadgrains.attempt.outcome", outcome));
        if (outcome == "dead_lettered")
        {
            _deadLettered.Add(1);
        }
    }

    public void DepositRequested(DepositOutcome outcome, long amountCents)
    {
        _deposits.Add(1, Tag("leadgrains.deposit.outcome", outcome switch
        {
            DepositOutcome.Deposited => "deposited",
            DepositOutcome.Replayed => "replayed",
            DepositOutcome.KeyConflict => "key_conflict",
            _ => "provider_not_found",
        }));
        if (outcome == DepositOutcome.Deposited)
        {
            _deposited.Add(amountCents);
        }
    }

    public void JobRan(string job, bool succeeded, TimeSpan duration)
    {
        var name = Tag("leadgrains.job.name", job);
        _jobRuns.Add(1, name, Tag("leadgrains.job.outcome", succeeded ? "succeeded" : "failed"));
        _jobDuration.Record(duration.TotalSeconds, name);
    }

    /// <summary>One group-commit transaction: how many distributions it carried, how long it took, whether it committed.</summary>
    public void GroupCommitted(int distributions, double durationMs, bool committed)
    {
        var outcome = Tag("leadgrains.commit.outcome", committed ? "committed" : "failed");
        _groupSize.Record(distributions, outcome);
        _groupDuration.Record(durationMs / 1000.0, outcome);
    }

    public void LedgerReconciled(int violations) => _ledgerDiscrepancies.Add(violations);

    /// <summary>A return request's outcome: one of <see cref="ReturnRequestOutcomes"/>.</summary>
    public void ReturnRequested(string outcome) => _returnRequests.Add(1, Tag("leadgrains.return.outcome", outcome));

    /// <summary>A return's first decision; an approval's refund in cents (0 for a rejection).</summary>
    public void ReturnDecided(bool approved, bool automatic, long refundedCents)
    {
        var decidedBy = Tag("leadgrains.return.decided_by", automatic ? "auto" : "reviewer");
        _returnDecisions.Add(1, Tag("leadgrains.return.decision", approved ? "approved" : "rejected"), decidedBy);
        if (approved)
        {
            _refunded.Add(refundedCents, decidedBy);
        }
    }

    public void CandidateSkipped(string reason) => _skips.Add(1, Tag("leadgrains.skip.reason", reason));

    public void DecisionRefused(string reason) => _refusals.Add(1, Tag("leadgrains.refusal.reason", reason));

    public void DistributionBusy() => _busy.Add(1);

    private static KeyValuePair<string, object?> Tag(string name, string value) => new(name, value);

    private void Distribution(string status, double durationMs)
    {
        var tag = Tag("leadgrains.distribution.status", status);
        _distributions.Add(1, tag);
        _distributionDuration.Record(durationMs / 1000.0, tag);
    }
}
