namespace LeadGrains.Api.Distribution;

/// <summary>The answer to a distribution trigger (seed 001, phase 11).</summary>
public sealed record DistributeResponse(Guid LeadId, string Status, string Message);

public sealed record SkippedResponse(Guid ProviderId, Guid? SubscriptionId, string Reason);

/// <summary>A lead's distribution status (seed 001, phase 12).</summary>
public sealed record DistributionStatusResponse(
    Guid LeadId,
    string LeadStatus,
    DateTime? LastAttemptAt,
    string LastAttemptStatus,
    int AssignmentsCreated,
    int? StartLevelOrderPosition,
    IReadOnlyList<SkippedResponse> Skipped,
    string Notes,
    int DistributionAttempts,
    IReadOnlyList<int> Traversal);

/// <summary>One assignment of a lead (seed 001, phase 13); <c>price_charged</c> is dollars, kept for compatibility.</summary>
public sealed record LeadAssignmentResponse(
    Guid AssignmentId, Guid ProviderId, string ProviderName, Guid SubscriptionId, Guid CompetitionLevelId, string LevelName,
    decimal PriceCharged, long PriceChargedCents, DateTime AssignedAt, string Status);

public sealed record LeadAssignmentPage(Guid LeadId, int Page, int Limit, long Total, IReadOnlyList<LeadAssignmentResponse> Items);
