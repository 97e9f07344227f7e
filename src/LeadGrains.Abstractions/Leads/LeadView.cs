namespace LeadGrains.Abstractions.Leads;

/// <summary>A lead's lifecycle, without its contact data.</summary>
/// <param name="LeadId">The lead's id.</param>
/// <param name="WorkspaceId">Its tenant.</param>
/// <param name="NicheId">Its niche.</param>
/// <param name="Status">See <see cref="LeadStatus"/>.</param>
/// <param name="CreatedAt">Intake time.</param>
/// <param name="ApprovedAt">Approval time, if approved.</param>
/// <param name="DistributedAt">When its distribution completed, if it did.</param>
/// <param name="DistributionAttempts">How many distribution attempts started.</param>
/// <param name="ExpiresAt">When it expires if never distributed.</param>
[GenerateSerializer, Immutable]
public sealed record LeadView(
    [property: Id(0)] Guid LeadId,
    [property: Id(1)] Guid WorkspaceId,
    [property: Id(2)] Guid NicheId,
    [property: Id(3)] string Status,
    [property: Id(4)] DateTimeOffset CreatedAt,
    [property: Id(5)] DateTimeOffset? ApprovedAt,
    [property: Id(6)] DateTimeOffset? DistributedAt,
    [property: Id(7)] int DistributionAttempts,
    [property: Id(8)] DateTimeOffset ExpiresAt);
