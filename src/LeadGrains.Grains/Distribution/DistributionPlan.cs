using LeadGrains.Abstractions.Distribution;

namespace LeadGrains.Grains.Distribution;

/// <summary>
/// A lead's distribution as its niche grain decided it, for the database to guard and record: the
/// niche version it was decided on, where the traversal starts and the pointer after it, and the
/// assignments (each its own charge) and skips.
/// </summary>
/// <param name="ServedAt">When the lead is served: its recipients' new last_received_at. Strictly increasing within a niche.</param>
/// <param name="Version">The niche's distribution version the plan was made on; recording it makes it Version + 1.</param>
/// <param name="ShortProviders">Providers skipped for their balance: the database pauses their subscriptions above it.</param>
public sealed record DistributionPlan(
    Guid LeadId,
    Guid NicheId,
    Guid RunId,
    string Actor,
    DateTimeOffset ServedAt,
    long Version,
    int StartLevelOrderPosition,
    int NextPointer,
    IReadOnlyList<int> Traversal,
    IReadOnlyList<AssignmentRecord> Assignments,
    IReadOnlyList<SkippedProvider> Skipped,
    string Status,
    IReadOnlyList<Guid> ShortProviders);
