using LeadGrains.Abstractions.Distribution;
using LeadGrains.Abstractions.Leads;
using LeadGrains.Abstractions.Niches;
using LeadGrains.Domain.Leads;
using LeadGrains.Grains.Distribution;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

using LeadGrains.Grains.Placement;

namespace LeadGrains.Grains.Leads;

/// <summary>
/// One lead's lifecycle. Its serial turns make approve, reject and distribute of one lead happen
/// one at a time, so a lead is never distributed twice concurrently by this activation; the lease
/// in the leads table and the distribution transaction, which re-checks the lead under a row lock,
/// cover the rest.
/// </summary>
[WithItsNichePlacement]
public sealed class LeadGrain(
    LeadStore store,
    LeadRowReader rows,
    DistributionStore runs,
    IOptions<DistributionQueueOptions> queueOptions,
    IDistributionProbe probe,
    LeadGrainsTelemetry telemetry,
    [FromKeyedServices(LeadGrainsClock.Key)] TimeProvider clock,
    ILogger<LeadGrain> logger) : Grain, ILeadGrain
{
    private LeadRow? _lead;
    private DistributionQueueOptions Queue => queueOptions.Value;

    private Guid LeadId => this.GetPrimaryKey();

    public override async Task OnActivateAsync(CancellationToken cancellationToken) => _lead = await rows.Find(LeadId);

    public async Task<SubmitResult> Submit(LeadSubmission submission)
    {
        if (_lead is not null)
        {
            return AlreadyStored(submission);
        }
        var contact = submission.Contact;
        var attributes = submission.Attributes;
        var errors = new Dictionary<string, string[]>(LeadValidation.Validate(
            contact?.FirstName, contact?.LastName, contact?.Email, contact?.Phone, attributes?.State, attributes?.Zip, attributes?.AmountCents,
            attributes?.Extra));
        if (errors.Count > 0)
        {
            return Invalid(errors);
        }
        var phone = ContactNormalization.NormalizePhoneE164(contact!.Phone)!;
        var hash = DedupeHash.Compute(contact.Email, contact.Phone, submission.NicheId);
        var (lead, duplicateOf, stored) = await store.Insert(LeadId, submission, hash, phone, clock.GetUtcNow());
        if (lead is null)
        {
            errors["niche_id"] = ["does not name a niche of this workspace."];
            return Invalid(errors);
        }
        _lead = lead;
        if (!stored)
        {
            return AlreadyStored(submission);
        }
        // A duplicate of no lead here: a consumer routing bound to another workspace.
        var duplicate = lead.Status == LeadStatus.Duplicate;
        telemetry.LeadSubmitted(duplicate ? "duplicate" : "accepted");
        return new SubmitResult(duplicate ? SubmitOutcome.Duplicate : SubmitOutcome.Accepted, LeadId, lead.Status, duplicateOf, NoErrors);
    }

    private SubmitResult Invalid(IReadOnlyDictionary<string, string[]> errors)
    {
        telemetry.LeadSubmitted("invalid");
        return new SubmitResult(SubmitOutcome.Invalid, LeadId, "", null, errors);
    }

    /// <summary>The answer for a lead id already stored. Another workspace's is taken, never "already submitted": that would reveal it.</summary>
    private SubmitResult AlreadyStored(LeadSubmission submission) => _lead!.WorkspaceId == submission.WorkspaceId
        ? new SubmitResult(SubmitOutcome.AlreadySubmitted, LeadId, _lead.Status, null, NoErrors)
        : new SubmitResult(SubmitOutcome.Invalid, LeadId, "", null, new Dictionary<string, string[]> { ["lead_id"] = ["is taken."] });

    public async Task<LeadCommandResult> Approve(string actor)
    {
        // A lead this activation knows as pending needs no read: the transition applies only to a lead still pending.
        if (_lead?.Status != LeadStatus.Pending)
        {
            await Reload();
        }
        if (_lead is null)
        {
            return new LeadCommandResult(LeadCommandOutcome.NotFound, "", false);
        }
        if (_lead.Status == LeadStatus.Pending)
        {
            var now = clock.GetUtcNow();
            // Queuing is the same write as the approval: an approved lead is never lost between the two.
            var dueAt = Queue.AutoDistribute ? now : (DateTimeOffset?)null;
            var approved = await store.Transition(LeadId, [LeadStatus.Pending], LeadStatus.Approved, actor, "lead.approved",
                new { auto_distribution = Queue.AutoDistribute }, now, dueAt);
            if (approved is not null)
            {
                _lead = approved;
                telemetry.LeadApproved();
                if (Queue.AutoDistribute)
                {
                    await WakeUp();
                }
                return new LeadCommandResult(LeadCommandOutcome.Done, approved.Status, Queue.AutoDistribute);
            }
            await Reload();   // it changed meanwhile (expired, say)
        }
        var alreadyApproved = _lead!.Status is LeadStatus.Approved || LeadStatus.IsDistributionTerminal(_lead.Status);
        return new LeadCommandResult(alreadyApproved ? LeadCommandOutcome.Done : LeadCommandOutcome.InvalidTransition, _lead.Status, false);
    }

    public async Task<LeadCommandResult> Reject(string reason, string actor)
    {
        await Reload();
        if (_lead is null)
        {
            return new LeadCommandResult(LeadCommandOutcome.NotFound, "", false);
        }
        if (_lead.Status != LeadStatus.Pending)
        {
            return new LeadCommandResult(_lead.Status == LeadStatus.Rejected ? LeadCommandOutcome.Done : LeadCommandOutcome.InvalidTransition, _lead.Status, false);
        }
        var trimmed = (reason ?? "").Trim();
        _lead = await store.Transition(LeadId, [LeadStatus.Pending], LeadStatus.Rejected, actor, "lead.rejected", new RejectionMetadata(trimmed), clock.GetUtcNow())
            ?? await rows.Find(LeadId);
        return new LeadCommandResult(LeadCommandOutcome.Done, _lead!.Status, false);
    }

    public async Task<LeadCommandResult> QueueDistribution(string actor)
    {
        var lead = await Reload();
        if (lead is null)
        {
            return new LeadCommandResult(LeadCommandOutcome.NotFound, "", false);
        }
        if (LeadStatus.IsDistributionTerminal(lead.Status))
        {
            return new LeadCommandResult(LeadCommandOutcome.Done, lead.Status, false);
        }
        if (lead.Status is not (LeadStatus.Approved or LeadStatus.Failed))
        {
            return new LeadCommandResult(LeadCommandOutcome.InvalidTransition, lead.Status, false);
        }
        var now = clock.GetUtcNow();
        _lead = await store.Transition(LeadId, [LeadStatus.Approved, LeadStatus.Failed], LeadStatus.Approved, actor, "distribution.queued",
            new { previous_status = lead.Status }, now, dueAt: now) ?? await rows.Find(LeadId);
        await WakeUp();
        return new LeadCommandResult(LeadCommandOutcome.Done, _lead!.Status, true);
    }

    public async Task RunDueAttempt()
    {
        if (!await store.ClaimDueAttempt(LeadId, clock.GetUtcNow(), Queue.Lease))
        {
            return;
        }
        // The claim proves the lead approved, and nothing else a distribution reads of it ever changes.
        _lead = _lead is null ? await rows.Find(LeadId) : _lead with { Status = LeadStatus.Approved };
        try
        {
            await RunAttempt("system");
        }
        catch (Exception error)
        {
            // Recorded by RunAttempt; the queue retries it later or it is dead-lettered. Nothing to rethrow to.
            logger.LogDebug(error, "Queued distribution attempt of lead {LeadId} failed", LeadId);
        }
    }

    public async Task<DistributeResult> Distribute(string actor)
    {
        // A lead this activation knows as distributable needs no read: the niche's transaction re-checks it under a lock.
        var lead = _lead is { Status: LeadStatus.Approved or LeadStatus.Failed } ? _lead : await Reload();
        if (lead is null)
        {
            return new DistributeResult(DistributeOutcome.NotFound, "", null);
        }
        if (lead.Status == LeadStatus.Failed)
        {
            // Only an approved lead is distributed: a dead-lettered one is approved again for a fresh round first
            // (due once the lease would have run out, so the sweeper stays away from this attempt).
            var now = clock.GetUtcNow();
            lead = _lead = await store.Transition(LeadId, [LeadStatus.Failed], LeadStatus.Approved, actor, "distribution.queued",
                new { previous_status = LeadStatus.Failed }, now, dueAt: now + Queue.Lease) ?? await rows.Find(LeadId);
        }
        if (lead!.Status == LeadStatus.Approved)
        {
            var answer = await RunAttempt(actor);
            switch (answer.Outcome)
            {
                case NicheDistributionOutcome.Recorded:
                    return new DistributeResult(DistributeOutcome.Completed, _lead?.Status ?? "", answer.Result);
                case NicheDistributionOutcome.Busy:
                    return new DistributeResult(DistributeOutcome.Busy, LeadStatus.Approved, null);
                default:
                    lead = (await Reload())!;   // distributed by an attempt whose reply was lost, or expired meanwhile
                    break;
            }
        }
        return LeadStatus.IsDistributionTerminal(lead.Status)
            ? new DistributeResult(DistributeOutcome.AlreadyCompleted, lead.Status, await runs.LoadLatestResult(LeadId))
            : new DistributeResult(DistributeOutcome.NotDistributable, lead.Status, null);
    }

    public async Task<LeadView?> Get() => (await Reload())?.ToView();

    public Task<DistributionResult?> GetDistributionResult() => runs.LoadLatestResult(LeadId);

    /// <summary>
    /// One attempt through the lead's niche. Busy postpones it (no failed attempt); a failure is
    /// counted and rescheduled (or dead-lettered) before it propagates.
    /// </summary>
    private async Task<NicheDistributionAnswer> RunAttempt(string actor)
    {
        var lead = _lead!;
        // Outside the try: a drill holding here and killing the silo must leave no trace, as a crash would.
        await probe.At(InterruptionPoint.BeforeAttempt, LeadId);
        NicheDistributionAnswer answer;
        try
        {
            answer = await GrainFactory.GetGrain<INicheGrain>(lead.NicheId).Distribute(new DistributionRequest(
                LeadId, lead.WorkspaceId, lead.State, lead.Zip, lead.AmountCents, lead.AttributeMap, actor));
        }
        catch (Exception error) when (error is TimeoutException or OperationCanceledException)
        {
            // Timed out or stopping: the distribution was not refused, and it may yet be recorded. It is not a
            // failed attempt; the queue tries the lead again shortly (and finds it done if it was).
            await Postpone(error.GetType().Name);
            throw;
        }
        catch (Exception error)
        {
            var failure = await store.RecordFailure(LeadId, error, clock.GetUtcNow(), Queue);
            telemetry.AttemptFailed(failure.Outcome);
            logger.LogWarning("Distribution attempt of lead {LeadId} failed ({FailedAttempts} this round): {Outcome}; {Error}",
                LeadId, failure.FailedAttempts, failure.Outcome, error.Message);
            await Reload();
            throw;
        }
        switch (answer.Outcome)
        {
            case NicheDistributionOutcome.Recorded:
                // The niche's completion wrote this status; no need to read the row back on the hot path.
                _lead = lead with { Status = LeadStatus.AfterDistribution(answer.Result!.Assignments.Count) };
                // Distributed: this lead's work is done. Kept in memory, its activation would survive every
                // collection until the idle timeout, and the silo would hold every lead of the last hours.
                DeactivateOnIdle();
                break;
            case NicheDistributionOutcome.Busy:
                await Postpone("busy");
                break;
        }
        return answer;
    }

    private async Task Postpone(string reason)
    {
        var retryAt = clock.GetUtcNow() + Queue.BusyRetryDelay;
        await store.Postpone(LeadId, retryAt);
        logger.LogInformation("Distribution attempt of lead {LeadId} postponed to {RetryAt}: {Reason}", LeadId, retryAt, reason);
    }

    /// <summary>Runs the queued attempt in a turn of its own, after the current call has answered.</summary>
    private Task WakeUp() => this.AsReference<ILeadGrain>().RunDueAttempt();

    private async Task<LeadRow?> Reload() => _lead = await rows.Find(LeadId);

    private static readonly IReadOnlyDictionary<string, string[]> NoErrors = new Dictionary<string, string[]>();
}
