namespace LeadGrains.Api.Niches;

/// <summary>One subscription of a level and what it received in the period.</summary>
public sealed record FairnessProvider(Guid ProviderId, Guid SubscriptionId, string SubscriptionStatus, long Assignments, bool CountedAsEligible);

/// <summary>
/// A level's fairness over the period: assignments per provider, and over the providers counted
/// as equally eligible (active subscriptions) the spread (max − min) and Jain's index.
/// </summary>
public sealed record LevelFairness(
    Guid LevelId, string Name, int OrderPosition, int EligibleProviders, long Assignments, long Spread, double? JainsIndex,
    IReadOnlyList<FairnessProvider> Providers);

public sealed record FairnessReport(Guid NicheId, DateTime From, DateTime To, IReadOnlyList<LevelFairness> Levels);
