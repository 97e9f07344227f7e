using LeadGrains.Abstractions.Distribution;

namespace LeadGrains.Abstractions.Leads;

/// <summary>
/// One lead's lifecycle: intake with dedupe, approval, rejection, distribution and its stored result.
/// The key is the lead id, chosen by the submitter (so a retried submission is recognized).
/// </summary>
public interface ILeadGrain : IGrainWithGuidKey
{
    /// <summary>Validates and stores the lead as <c>pending</c>, or <c>duplicate</c> when the same contact was seen for the niche within 30 days.</summary>
    Task<SubmitResult> Submit(LeadSubmission submission);

    /// <summary>Approves a pending lead. <paramref name="actor"/> is recorded in the audit log.</summary>
    Task<LeadCommandResult> Approve(string actor);

    /// <summary>Rejects a pending lead with a reason.</summary>
    Task<LeadCommandResult> Reject(string reason, string actor);

    /// <summary>Distributes an approved lead now; a distributed lead returns its stored result and charges nobody.</summary>
    Task<DistributeResult> Distribute(string actor);

    /// <summary>The lead's lifecycle, or null if it does not exist.</summary>
    Task<LeadView?> Get();

    /// <summary>The latest distribution result, or null if none completed.</summary>
    Task<DistributionResult?> GetDistributionResult();
}
