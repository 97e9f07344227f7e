using LeadGrains.Abstractions;
using LeadGrains.Abstractions.Returns;
using LeadGrains.Domain.Returns;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LeadGrains.Grains.Returns;

/// <summary>
/// A provider's returns, run inside its grain's serial turns (so its return-rate count cannot race):
/// load, decide with the pure rules of <c>LeadGrains.Domain.Returns</c>, store. Says whether money
/// moved, so the grain can tell the provider's niches of the new balance.
/// </summary>
public sealed class ProviderReturns(
    ReturnStore store,
    ReturnPolicyStore policies,
    [FromKeyedServices(LeadGrainsClock.Key)] TimeProvider clock,
    LeadGrainsTelemetry telemetry,
    ILogger<ProviderReturns> logger)
{
    /// <summary>Who approves the returns that the rate limit lets through without a person.</summary>
    public const string AutoApprover = "auto-approval";

    public sealed record Requested(ReturnRequestResult Result, bool Refunded);

    public sealed record Decided(ReturnDecisionResult Result, bool Refunded);

    public async Task<Requested> Request(Guid providerId, ReturnRequestCommand command)
    {
        var requested = await RequestOnce(providerId, command);
        telemetry.ReturnRequested(requested.Result.Outcome switch
        {
            ReturnRequestOutcome.AutoApproved => "auto_approved",
            ReturnRequestOutcome.PendingReview when requested.Result.Return?.ReviewReason == "rate_limit" => "rate_limit",
            ReturnRequestOutcome.PendingReview => "review_required",
            ReturnRequestOutcome.AlreadyRequested => "already_requested",
            ReturnRequestOutcome.WindowClosed => "window_closed",
            _ => "not_found",
        });
        return requested;
    }

    private async Task<Requested> RequestOnce(Guid providerId, ReturnRequestCommand command)
    {
        var assignment = await store.AssignmentOf(providerId, command.AssignmentId);
        if (assignment is null)
        {
            return new(new ReturnRequestResult(ReturnRequestOutcome.AssignmentNotFound, null, null), false);
        }
        var rules = ReturnPolicyStore.ToRules(await policies.Find(assignment.WorkspaceId, CancellationToken.None));
        var errors = ReturnValidation.CheckRequest(rules, command.Reason, command.Note);
        if (errors.Count > 0)
        {
            throw new ValidationFailedException(errors);
        }
        var assignedAt = new DateTimeOffset(DateTime.SpecifyKind(assignment.AssignedAt, DateTimeKind.Utc));
        var windowEndsAt = assignedAt + rules.Window;
        if (await store.OfAssignment(assignment.AssignmentId) is { } earlier)
        {
            return new(new ReturnRequestResult(ReturnRequestOutcome.AlreadyRequested, earlier, windowEndsAt), false);
        }
        var now = clock.GetUtcNow();
        if (!ReturnWindow.IsOpen(assignedAt, now, rules.Window))
        {
            return new(new ReturnRequestResult(ReturnRequestOutcome.WindowClosed, null, windowEndsAt), false);
        }

        var (returns, assignments) = await store.History(providerId, now - rules.RatePeriod);
        var route = ReturnRouting.Route(rules, returns, assignments);
        var reviewReason = route == ReturnRoute.RateLimit ? "rate_limit" : "review_required";
        var stored = await store.Insert(Guid.CreateVersion7(), providerId, assignment, command, reviewReason, now);
        if (stored is null)
        {
            return new(new ReturnRequestResult(ReturnRequestOutcome.AlreadyRequested, await store.OfAssignment(assignment.AssignmentId), windowEndsAt), false);
        }
        logger.LogInformation("Return {ReturnId} of assignment {AssignmentId} requested by provider {ProviderId}: {Route}", stored.ReturnId, stored.AssignmentId, providerId, route);
        if (route != ReturnRoute.AutoApprove)
        {
            return new(new ReturnRequestResult(ReturnRequestOutcome.PendingReview, stored, windowEndsAt), false);
        }
        // Stored first, then approved: a crash in between leaves a pending return for a reviewer, never a refund without its return.
        // The database counts the limit again, under the provider's row lock: a duplicate activation of this grain cannot approve one over it.
        var refund = await store.AutoApprove(stored.ReturnId, Guid.CreateVersion7(), AutoApprover, "within the provider's return-rate limit", now);
        var after = await store.Find(providerId, stored.ReturnId);
        if (refund.Outcome == "refunded")
        {
            logger.LogInformation("Return {ReturnId} auto-approved: {AmountCents} cents refunded to provider {ProviderId}, {Reactivated} subscription(s) reactivated",
                stored.ReturnId, refund.AmountCents, providerId, refund.ReactivatedSubscriptionIds.Length);
            telemetry.ReturnDecided(approved: true, automatic: true, refund.AmountCents);
        }
        else if (refund.Outcome == "rate_limit")
        {
            logger.LogWarning("Return {ReturnId} held for review: the database counted the return-rate limit reached (another activation's request came first)", stored.ReturnId);
        }
        return new(new ReturnRequestResult(
            after?.Status == "approved" ? ReturnRequestOutcome.AutoApproved : ReturnRequestOutcome.PendingReview, after, windowEndsAt), refund.Outcome == "refunded");
    }

    public async Task<Decided> Decide(Guid providerId, ReturnDecisionCommand command)
    {
        var errors = ReturnValidation.CheckDecision(command.Note);
        if (errors.Count > 0)
        {
            throw new ValidationFailedException(errors);
        }
        var current = await store.Find(providerId, command.ReturnId);
        if (current is null)
        {
            return new(new ReturnDecisionResult(ReturnDecisionOutcome.ReturnNotFound, null, null), false);
        }
        var now = clock.GetUtcNow();
        if (!command.Approve)
        {
            var rejected = await store.Reject(current.ReturnId, command.Actor, command.Note, now);
            if (rejected is not null)
            {
                logger.LogInformation("Return {ReturnId} rejected", current.ReturnId);
                telemetry.ReturnDecided(approved: false, automatic: command.Actor == AutoApprover, 0);
                return new(new ReturnDecisionResult(ReturnDecisionOutcome.Rejected, rejected, null), false);
            }
            var after = (await store.Find(providerId, current.ReturnId))!;
            return new(new ReturnDecisionResult(
                after.Status == "approved" ? ReturnDecisionOutcome.AlreadyApproved : ReturnDecisionOutcome.AlreadyRejected, after, null), false);
        }
        var refund = await store.Refund(current.ReturnId, Guid.CreateVersion7(), command.Actor, command.Note, now);
        var outcome = refund.Outcome switch
        {
            "refunded" => ReturnDecisionOutcome.Approved,
            "already_approved" => ReturnDecisionOutcome.AlreadyApproved,
            "already_rejected" => ReturnDecisionOutcome.AlreadyRejected,
            _ => ReturnDecisionOutcome.ReturnNotFound,
        };
        if (outcome == ReturnDecisionOutcome.Approved)
        {
            logger.LogInformation("Return {ReturnId} approved: {AmountCents} cents refunded to provider {ProviderId}, {Reactivated} subscription(s) reactivated",
                current.ReturnId, refund.AmountCents, providerId, refund.ReactivatedSubscriptionIds.Length);
            telemetry.ReturnDecided(approved: true, automatic: command.Actor == AutoApprover, refund.AmountCents);
        }
        var balance = outcome is ReturnDecisionOutcome.Approved or ReturnDecisionOutcome.AlreadyApproved ? refund.BalanceCents : (long?)null;
        return new(new ReturnDecisionResult(outcome, await store.Find(providerId, current.ReturnId), balance), outcome == ReturnDecisionOutcome.Approved);
    }
}
