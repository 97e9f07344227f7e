using LeadGrains.Abstractions.Distribution;
using Orleans.Concurrency;

namespace LeadGrains.Abstractions.Leads;

/// <summary>
/// One lead's lifecycle: intake with dedupe, approval, rejection, distribution and its stored result.
/// The key is the lead id, chosen by the submitter (so a retried submission is recognized).
/// </summary>
public interface ILeadGrain : IGrainWithGuidKey
{
    /// <summary>Validates and stores the lead as <c>pending</c>, or <c>duplicate</c> when the same contact was seen for the niche within 30 days.</summary>
    Task<SubmitResult> Submit(LeadSubmission submission);

    /// <summary>
    /// Approves a pending lead. <paramref name="actor"/> is recorded in the audit log. With
    /// auto-distribution on (the default) the lead is queued durably and distributed right after.
    /// </summary>
    Task<LeadCommandResult> Approve(string actor);

    /// <summary>Rejects a pending lead with a reason.</summary>
    Task<LeadCommandResult> Reject(string reason, string actor);

    /// <summary>
    /// Distributes an approved (or failed) lead now and returns the result; a distributed lead returns its
    /// stored result and charges nobody. A failure counts as an attempt and schedules the queue's retry.
    /// </summary>
    Task<DistributeResult> Distribute(string actor);

    /// <summary>
    /// Queues a fresh distribution of an approved or failed lead (the admin "distribute" trigger): a failed
    /// lead gets a new round of attempts. Answers <see cref="LeadCommandOutcome.InvalidTransition"/> for other states.
    /// </summary>
    Task<LeadCommandResult> QueueDistribution(string actor);

    /// <summary>Runs the lead's queued attempt if it is due and nobody holds its lease. Called by the queue, not by clients.</summary>
    [OneWay]
    Task RunDueAttempt();

    /// <summary>The lead's lifecycle, or null if it does not exist.</summary>
    Task<LeadView?> Get();

    /// <summary>The latest distribution result, or null if none completed.</summary>
    Task<DistributionResult?> GetDistributionResult();
}
