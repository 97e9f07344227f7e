using LeadGrains.Api.Jobs;

namespace LeadGrains.Api.Reconciliation;

/// <summary>A broken money invariant the reconciliation reported for one of the workspace's providers.</summary>
public sealed record Discrepancy(long AuditId, string Invariant, string SubjectId, string Detail, DateTime FoundAt);

/// <summary>The ledger reconciliation: its last run (null before the first), and the workspace's discrepancies it reported, newest first.</summary>
public sealed record ReconciliationResponse(JobResponse? Job, IReadOnlyList<Discrepancy> Discrepancies, string? NextCursor);
