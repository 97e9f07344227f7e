using System.Diagnostics;
using LeadGrains.Abstractions.Leads;
using LeadGrains.Abstractions.Routing;
using LeadGrains.Domain.Leads;
using LeadGrains.Domain.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LeadGrains.Grains.Routing;

/// <summary>
/// One routing submission. An attempt decides it (a duplicate of a consumer seen within the window,
/// or bound for the highest-priority rule's destination, for good) and then moves the lead into the
/// destination niche through the lead grain's own intake, under a lead id derived from the submission:
/// however often the move is tried, on whichever silo, it makes one lead. A failed attempt is
/// retried on the routing schedule and, after the last, dead-lettered.
/// </summary>
public sealed class RoutingGrain(
    RoutingStore store,
    RoutingRuleCache rules,
    IOptions<RoutingOptions> options,
    RoutingTelemetry telemetry,
    [FromKeyedServices(LeadGrainsClock.Key)] TimeProvider clock,
    ILogger<RoutingGrain> logger) : Grain, IRoutingGrain
{
    private Guid SubmissionId => this.GetPrimaryKey();

    public async Task<RoutingView> Submit(RoutingRequest request)
    {
        var submission = await store.Find(SubmissionId);
        if (submission is null)
        {
            var contact = request.Contact;
            var attributes = request.Attributes;
            var errors = LeadValidation.Validate(contact?.FirstName, contact?.LastName, contact?.Email, contact?.Phone, attributes?.State,
                attributes?.Zip, attributes?.AmountCents, attributes?.Extra);
            if (errors.Count > 0)
            {
                return new RoutingView(SubmissionId, "", 0, null, null, errors);
            }
            submission = await store.Insert(SubmissionId, request, DedupeHash.ForConsumer(contact!.Email, contact.Phone), clock.GetUtcNow());
        }
        if (submission.SourceKind != request.Source.Kind || submission.SourceId != request.Source.Id)
        {
            // Ids are derived from the source, so this is another source's submission: never say more than "taken".
            return new RoutingView(SubmissionId, "", 0, null, null, new Dictionary<string, string[]> { ["source_reference"] = ["is taken."] });
        }
        return (await AttemptIfDue(submission)).ToView();
    }

    public async Task RunDueAttempt()
    {
        if (await store.Find(SubmissionId) is { } submission)
        {
            await AttemptIfDue(submission);
        }
    }

    public async Task<RoutingView?> Get() => (await store.Find(SubmissionId))?.ToView();

    private async Task<RoutingSubmissionRow> AttemptIfDue(RoutingSubmissionRow submission)
    {
        var now = clock.GetUtcNow();
        if (!RoutingStatus.IsOpen(submission.Status) || submission.NextAttemptAt > now.UtcDateTime)
        {
            return submission;
        }
        var started = Stopwatch.GetTimestamp();
        var rulesEvaluated = 0;
        try
        {
            if (submission.Status == RoutingStatus.Pending)
            {
                var lead = submission.Lead!;
                var (rule, evaluated) = (await rules.Current()).FirstMatch(LeadFacts.From(lead.Attributes.State, lead.Attributes.Zip,
                    lead.Attributes.AmountCents, lead.Attributes.Extra));
                rulesEvaluated = evaluated;
                if (rule is null)
                {
                    return await Fail(submission, "unmatched", $"none of the {evaluated} enabled rule(s) matched", rulesEvaluated, started);
                }
                if (!await store.DestinationOpen(rule.DestinationWorkspaceId))
                {
                    return await Fail(submission, "destination_disabled", $"rule {rule.Id} leads to a workspace closed to routed leads", rulesEvaluated, started);
                }
                var decided = await store.Decide(SubmissionId, rule.Id, rule.DestinationWorkspaceId, rule.DestinationNicheId, rulesEvaluated,
                    Elapsed(started), clock.GetUtcNow(), options.Value.DecisionLease);
                if (decided == RoutingStatus.Duplicate)
                {
                    Finished(submission, RoutingStatus.Duplicate, rulesEvaluated);
                }
                if (decided != RoutingStatus.Deciding)
                {
                    return await store.Find(SubmissionId) ?? submission;
                }
                submission = submission with
                {
                    Status = RoutingStatus.Deciding, RuleId = rule.Id, DestinationWorkspaceId = rule.DestinationWorkspaceId,
                    DestinationNicheId = rule.DestinationNicheId,
                };
            }
            return await MoveIntoDestination(submission, rulesEvaluated, started);
        }
        catch (Exception error)
        {
            logger.LogWarning(error, "Routing attempt of submission {SubmissionId} failed", SubmissionId);
            return await Fail(submission, "error", $"{error.GetType().Name}: {error.Message}", rulesEvaluated, started);
        }
    }

    /// <summary>The decided submission becomes a lead of its destination niche (or is found to be one already), then routed.</summary>
    private async Task<RoutingSubmissionRow> MoveIntoDestination(RoutingSubmissionRow submission, int rulesEvaluated, long started)
    {
        var leadId = LeadIds.ForRoutedSubmission(SubmissionId);
        var niche = submission.DestinationNicheId!.Value;
        var lead = submission.Lead;
        if (lead is not null)
        {
            SubmitResult result;
            using (NicheHint.For(niche))
            {
                result = await GrainFactory.GetGrain<ILeadGrain>(leadId)
                    .Submit(new LeadSubmission(submission.DestinationWorkspaceId!.Value, niche, lead.Contact, lead.Attributes));
            }
            if (result.Outcome == SubmitOutcome.Invalid)
            {
                return await Fail(submission, "error", "the destination refused the lead: " + string.Join("; ", result.Errors.Keys), rulesEvaluated, started);
            }
        }
        var status = await store.Complete(SubmissionId, leadId, Elapsed(started), clock.GetUtcNow());
        Finished(submission, status, rulesEvaluated);
        return await store.Find(SubmissionId) ?? submission;
    }

    private async Task<RoutingSubmissionRow> Fail(RoutingSubmissionRow submission, string outcome, string reason, int rulesEvaluated, long started)
    {
        var failure = await store.RecordFailure(SubmissionId, outcome, reason, rulesEvaluated, Elapsed(started), clock.GetUtcNow(),
            options.Value.EffectiveRetryDelays);
        telemetry.Attempted(outcome == "error" ? "failed" : outcome, rulesEvaluated);
        if (failure.Status == RoutingStatus.Dead)
        {
            telemetry.Attempted("dead_lettered", 0);
            logger.LogWarning("Routing submission {SubmissionId} dead-lettered after {Attempts} attempt(s): {Outcome}", SubmissionId, failure.Attempts, outcome);
        }
        return await store.Find(SubmissionId) ?? submission;
    }

    private void Finished(RoutingSubmissionRow submission, string status, int rulesEvaluated)
    {
        if (status is RoutingStatus.Routed or RoutingStatus.Duplicate)
        {
            telemetry.Attempted(status, rulesEvaluated);
            telemetry.Finished(status, clock.GetUtcNow() - new DateTimeOffset(DateTime.SpecifyKind(submission.CreatedAt, DateTimeKind.Utc)));
        }
    }

    private static double Elapsed(long started) => Stopwatch.GetElapsedTime(started).TotalMilliseconds;
}
