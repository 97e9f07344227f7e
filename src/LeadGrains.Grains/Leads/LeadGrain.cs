using LeadGrains.Abstractions.Distribution;
using LeadGrains.Abstractions.Leads;
using LeadGrains.Abstractions.Niches;
using LeadGrains.Domain.Leads;
using LeadGrains.Grains.Distribution;

namespace LeadGrains.Grains.Leads;

/// <summary>
/// One lead's lifecycle. Its serial turns make approve, reject and distribute of one lead happen
/// one at a time, so a lead is never distributed twice concurrently.
/// </summary>
public sealed class LeadGrain(LeadStore store, DistributionStore runs, TimeProvider clock) : Grain, ILeadGrain
{
    private LeadRow? _lead;

    private Guid LeadId => this.GetPrimaryKey();

    public override async Task OnActivateAsync(CancellationToken cancellationToken) => _lead = await store.Find(LeadId);

    public async Task<SubmitResult> Submit(LeadSubmission submission)
    {
        if (_lead is not null)
        {
            return new SubmitResult(SubmitOutcome.AlreadySubmitted, LeadId, _lead.Status, null, NoErrors);
        }
        var contact = submission.Contact;
        var attributes = submission.Attributes;
        var errors = new Dictionary<string, string[]>(LeadValidation.Validate(
            contact?.FirstName, contact?.LastName, contact?.Email, contact?.Phone, attributes?.State, attributes?.Zip, attributes?.AmountCents));
        if (errors.Count == 0 && !await store.NicheBelongsTo(submission.NicheId, submission.WorkspaceId))
        {
            errors["niche_id"] = ["does not name a niche of this workspace."];
        }
        if (errors.Count > 0)
        {
            return new SubmitResult(SubmitOutcome.Invalid, LeadId, "", null, errors);
        }
        var phone = ContactNormalization.NormalizePhoneE164(contact!.Phone)!;
        var hash = DedupeHash.Compute(contact.Email, contact.Phone, submission.NicheId);
        var (lead, duplicateOf) = await store.Insert(LeadId, submission, hash, phone, clock.GetUtcNow());
        _lead = lead;
        return new SubmitResult(duplicateOf is null ? SubmitOutcome.Accepted : SubmitOutcome.Duplicate, LeadId, lead.Status, duplicateOf, NoErrors);
    }

    public async Task<LeadCommandResult> Approve(string actor)
    {
        if (_lead is null)
        {
            return new LeadCommandResult(LeadCommandOutcome.NotFound, "", false);
        }
        if (_lead.Status != LeadStatus.Pending)
        {
            var alreadyApproved = _lead.Status is LeadStatus.Approved || LeadStatus.IsDistributionTerminal(_lead.Status);
            return new LeadCommandResult(alreadyApproved ? LeadCommandOutcome.Done : LeadCommandOutcome.InvalidTransition, _lead.Status, false);
        }
        _lead = await store.Transition(LeadId, [LeadStatus.Pending], LeadStatus.Approved, actor, "lead.approved", new { }, clock.GetUtcNow()) ?? await store.Find(LeadId);
        return new LeadCommandResult(LeadCommandOutcome.Done, _lead!.Status, false);
    }

    public async Task<LeadCommandResult> Reject(string reason, string actor)
    {
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
            ?? await store.Find(LeadId);
        return new LeadCommandResult(LeadCommandOutcome.Done, _lead!.Status, false);
    }

    public async Task<DistributeResult> Distribute(string actor)
    {
        if (_lead is null)
        {
            return new DistributeResult(DistributeOutcome.NotFound, "", null);
        }
        if (LeadStatus.IsDistributionTerminal(_lead.Status))
        {
            return new DistributeResult(DistributeOutcome.AlreadyCompleted, _lead.Status, await runs.LoadLatestResult(LeadId));
        }
        if (_lead.Status is not (LeadStatus.Approved or LeadStatus.Failed))
        {
            return new DistributeResult(DistributeOutcome.NotDistributable, _lead.Status, null);
        }
        try
        {
            var result = await GrainFactory.GetGrain<INicheGrain>(_lead.NicheId).Distribute(new DistributionRequest(
                LeadId, _lead.WorkspaceId, _lead.State, _lead.Zip, _lead.AmountCents, _lead.AttributeMap, actor));
            return new DistributeResult(DistributeOutcome.Completed, (await Reload())?.Status ?? "", result);
        }
        catch
        {
            // The attempt counter and run record changed in the database; keep the view in step.
            await Reload();
            throw;
        }
    }

    public async Task<LeadView?> Get() => (await Reload())?.ToView();

    public Task<DistributionResult?> GetDistributionResult() => runs.LoadLatestResult(LeadId);

    private async Task<LeadRow?> Reload() => _lead = await store.Find(LeadId);

    private static readonly IReadOnlyDictionary<string, string[]> NoErrors = new Dictionary<string, string[]>();
}
