namespace LeadGrains.Api.Reports;

/// <summary>
/// One niche's day (UTC): leads that came in, distribution attempts by how they ended, the
/// assignments and revenue recorded, and the average time from approval to distribution.
/// </summary>
public sealed record NicheDayRow(
    DateOnly Day, Guid NicheId, long LeadsIn, long Distributed, long Partial, long NoEligible, long FailedAttempts,
    long Assignments, long RevenueCents, double? AverageSecondsToDistribute);

/// <summary>One provider's assignments and what they cost it, per niche, level and day (UTC).</summary>
public sealed record ProviderDayRow(DateOnly Day, Guid NicheId, Guid LevelId, Guid ProviderId, long Assignments, long RevenueCents);

public sealed record NicheDayReport(DateTime From, DateTime To, IReadOnlyList<NicheDayRow> Items);

public sealed record ProviderDayReport(DateTime From, DateTime To, IReadOnlyList<ProviderDayRow> Items);
