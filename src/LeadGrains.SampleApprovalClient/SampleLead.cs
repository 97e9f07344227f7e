using LeadGrains.Abstractions.Leads;

namespace LeadGrains.SampleApprovalClient;

/// <summary>The made-up lead the sample submits.</summary>
internal static class SampleLead
{
    // The e-mail carries the lead id: dedupe compares contacts per niche, and every run of the
    // sample should submit a new lead rather than a duplicate of the previous run's.
    public static LeadSubmission For(Guid workspaceId, Guid nicheId, Guid leadId) => new(
        workspaceId,
        nicheId,
        new LeadContact("Sam", "Sample", $"sam.sample+{leadId:N}@example.com", "214-555-0147"),
        new LeadAttributes("TX", "75201", AmountCents: null, new Dictionary<string, string> { ["source"] = "sample-approval-client" }));
}
