using LeadGrains.Abstractions;
using LeadGrains.Abstractions.Distribution;
using LeadGrains.Grains.Distribution;
using Microsoft.Extensions.Logging;

namespace LeadGrains.Grains.Niches;

/// <summary>
/// A niche grain's distributions: decides each lead from the niche's market in one serial turn,
/// hands the decision to the silo's <see cref="DistributionCommitter"/> and, without waiting for
/// the commit, lets the next lead be decided as if this one were recorded. It takes in what the
/// database answered — the committed pointer and version, the balances, paused subscriptions —
/// decides again (after reloading the niche) when a decision was refused, records a failed
/// attempt, and keeps the niche's last services and fairness counts.
/// Used only from the niche grain's serial turns.
/// </summary>
internal sealed class NicheDistributor
{
    /// <summary>Decisions of one lead refused (stale version, a balance spent elsewhere, a cap reached) before the attempt counts as failed.</summary>
    private const int MaxPlansPerLead = 10;

    private readonly Guid _nicheId;
    private readonly NicheState _state;
    private readonly NicheDistributionServices _services;
    private readonly Func<Task> _reload;
    private readonly PlansInFlight _plans;
    private readonly UnsavedServices _unsaved;
    private readonly FairnessWindow _fairness;
    // The pointer and version once every plan in flight is recorded; null: as committed.
    private int? _plannedPointer;
    private long? _plannedVersion;

    /// <param name="reload">Reloads the niche from the database (then calls <see cref="Reloaded"/>).</param>
    public NicheDistributor(Guid nicheId, NicheState state, NicheDistributionServices services, Func<Task> reload)
    {
        _nicheId = nicheId;
        _state = state;
        _services = services;
        _reload = reload;
        _plans = new PlansInFlight(services.Committer);
        _unsaved = new UnsavedServices(nicheId, services.Store, services.Logger, services.Clock.GetUtcNow(), services.Options.Value.ServiceSaveInterval);
        _fairness = new FairnessWindow(services.Fairness);
    }

    /// <summary>Distributions handed to the committer and not answered yet.</summary>
    public int InFlight => _plans.Count;

    /// <summary>What the niche holds may be wrong: reload it before the next decision.</summary>
    public void RequireResynchronization() => _plans.RequireResynchronization();

    /// <summary>The niche was (re)loaded from the database: plans start again from the committed pointer and version.</summary>
    public void Reloaded(IReadOnlyList<SubscriptionRow> subscriptions)
    {
        _plannedPointer = null;
        _plannedVersion = null;
        _unsaved.Reloaded(subscriptions);
    }

    /// <summary>Saves the last services not saved yet (the niche deactivates).</summary>
    public Task SaveAll() => _unsaved.SaveAll(_services.Clock.GetUtcNow());

    public async Task<NicheDistributionAnswer> Distribute(DistributionRequest request)
    {
        var (clock, telemetry, logger) = (_services.Clock, _services.Telemetry, _services.Logger);
        if (_plans.Count >= _services.Options.Value.MaxInFlightPerNiche)
        {
            telemetry.DistributionBusy();
            return NicheDistributionAnswer.Busy;
        }
        var started = clock.GetTimestamp();
        var runId = Guid.CreateVersion7();
        DistributionPlan? plan = null;
        DistributionResult result;
        try
        {
            for (var tries = 1; ; tries++)
            {
                await _plans.Resynchronize(_reload);
                var niche = _state.Row ?? throw new ValidationFailedException("niche_id", "does not exist.");
                plan = _state.Market.Decide(request, _nicheId, runId, _plannedPointer ?? niche.NextStartLevelOrderPosition,
                    _plannedVersion ?? niche.DistributionVersion, clock.GetUtcNow());
                _plannedPointer = plan.NextPointer;
                _plannedVersion = plan.Version + 1;
                if (tries == 1)
                {
                    _services.Probe.AttemptBegun(request.LeadId);
                }
                var row = await Commit(plan, started);
                if (row.Outcome == "recorded")
                {
                    result = Learn(plan, row, (long)clock.GetElapsedTime(started).TotalMilliseconds);
                    _unsaved.SaveIfDue(clock.GetUtcNow());
                    break;
                }
                // Refused: nothing was written, and the plans decided after this one assumed it was.
                _plans.RequireResynchronization();
                switch (row.Outcome)
                {
                    case "not_distributable":
                        return NicheDistributionAnswer.NotDistributable(row.LeadStatus);
                    case "busy":
                        // The silo's committer is full: this decision was not sent, and the ones after it assumed it would be.
                        telemetry.DistributionBusy();
                        return NicheDistributionAnswer.Busy;
                    case "stale" or "insufficient_balance" or "cap_reached" when tries < MaxPlansPerLead:
                        // An earlier lead of this niche was refused, another activation moved the version
                        // (membership change), another niche spent a balance first, or the counts or caps
                        // this niche held were behind the database's: decide again.
                        telemetry.DecisionRefused(row.Outcome);
                        break;
                    default:
                        throw new InvalidOperationException($"Niche {_nicheId} could not distribute lead {request.LeadId}: {row.Outcome} after {tries} decisions.");
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The silo is stopping (a graceful restart): the decision was not attempted. It is no failed
            // attempt either, so none is recorded; the lead's queue retries it on a silo that stays.
            _plans.RequireResynchronization();
            throw;
        }
        catch (Exception error)
        {
            _plans.RequireResynchronization();
            var durationMs = (long)clock.GetElapsedTime(started).TotalMilliseconds;
            telemetry.DistributionFailed(durationMs);
            logger.LogWarning(error, "Distribution of lead {LeadId} failed", request.LeadId);
            if (plan is not null)
            {
                await RecordFailure(plan, error, durationMs);
            }
            throw;
        }
        logger.LogInformation(
            "Distributed lead {LeadId} (attempt {Attempt}, start {Start}): {Status}, {Assignments} assignment(s), {Skipped} skip(s) in {DurationMs} ms",
            request.LeadId, result.Attempt, result.StartLevelOrderPosition, result.Status, result.Assignments.Count, result.Skipped.Count, result.DurationMs);
        await _services.Probe.At(InterruptionPoint.AfterCommit, request.LeadId);
        return NicheDistributionAnswer.Recorded(result);
    }

    /// <summary>Hands the plan to the committer, telling <see cref="UnsavedServices"/> what became of it.</summary>
    private async Task<DistributionStore.RecordedRow> Commit(DistributionPlan plan, long started)
    {
        _unsaved.Sent(plan.ServedAt);
        DistributionStore.RecordedRow row;
        try
        {
            row = await _plans.Commit(plan, started, _state.Market.Balances);
        }
        catch
        {
            _unsaved.Lost(plan.ServedAt);
            throw;
        }
        _unsaved.Answered(plan, row.Outcome == "recorded");
        return row;
    }

    /// <summary>Takes in what the database recorded: the committed pointer and version, and the subscriptions a charge paused.</summary>
    private DistributionResult Learn(DistributionPlan plan, DistributionStore.RecordedRow row, long durationMs)
    {
        _state.Row = _state.Row! with { NextStartLevelOrderPosition = row.Pointer, DistributionVersion = row.Version };
        foreach (var skip in plan.Skipped)
        {
            _services.Telemetry.CandidateSkipped(skip.Reason);
        }
        _state.Market.ForgetPaused(row.PausedSubscriptionIds);
        _fairness.Recorded(plan, _state.Market);
        _services.Telemetry.DistributionRecorded(_nicheId, plan.Status, plan.Assignments, durationMs);
        return new DistributionResult(
            plan.LeadId, plan.RunId, row.Attempt, plan.StartLevelOrderPosition, plan.Traversal, plan.Assignments, plan.Skipped,
            durationMs, plan.Status, plan.ServedAt);
    }

    private async Task RecordFailure(DistributionPlan plan, Exception error, long durationMs)
    {
        try
        {
            await _services.Runs.RecordFailure(plan, error.Message, _services.Clock.GetUtcNow(), durationMs);
        }
        catch (Exception recordError)
        {
            // Only the record of the failure is lost; the lead's retry schedule is kept by the lead grain.
            _services.Logger.LogError(recordError, "Could not record the failed distribution of lead {LeadId}", plan.LeadId);
        }
    }
}
