namespace LeadGrains.Grains.Distribution;

/// <summary>
/// What a niche grain decided for one lead before the database has its say: where the traversal
/// starts, the levels in traversal order, and per level the eligible candidates best first. The SQL
/// function <c>distribute_lead</c> walks it, charging whom it can, in one transaction.
/// </summary>
public sealed record DistributionPlan(
    Guid LeadId,
    Guid NicheId,
    Guid RunId,
    string Actor,
    DateTimeOffset StartedAt,
    int ExpectedPointer,
    int StartLevelOrderPosition,
    int NextPointer,
    IReadOnlyList<int> Traversal,
    IReadOnlyList<PlannedLevel> Levels,
    IReadOnlyList<PlannedCandidate> Candidates);

/// <param name="Truncated">The level's candidate list was cut short; the database asks for the rest if it runs out.</param>
public sealed record PlannedLevel(Guid LevelId, int MaxRecipients, long PriceCents, bool Truncated);

/// <param name="LevelIndex">Index of the candidate's level in <see cref="DistributionPlan.Levels"/>.</param>
/// <param name="EligibilityError">The subscription's filter threw on this lead: skipped as <c>eligibility_error</c>.</param>
public sealed record PlannedCandidate(int LevelIndex, Guid SubscriptionId, Guid ProviderId, bool EligibilityError);
