namespace LeadGrains.Abstractions.Distribution;

/// <summary>One assignment made by a distribution.</summary>
/// <param name="AssignmentId">The assignment.</param>
/// <param name="ProviderId">Who received the lead.</param>
/// <param name="SubscriptionId">Through which subscription.</param>
/// <param name="LevelId">At which level.</param>
/// <param name="PriceCents">What was charged.</param>
[GenerateSerializer, Immutable]
public sealed record AssignmentRecord(
    [property: Id(0)] Guid AssignmentId,
    [property: Id(1)] Guid ProviderId,
    [property: Id(2)] Guid SubscriptionId,
    [property: Id(3)] Guid LevelId,
    [property: Id(4)] long PriceCents);

/// <summary>A candidate passed over, and why.</summary>
/// <param name="ProviderId">The provider.</param>
/// <param name="SubscriptionId">The subscription considered.</param>
/// <param name="Reason"><c>insufficient_balance</c> or <c>eligibility_error</c> (older records may also say <c>duplicate</c>, <c>subscription_inactive</c> or <c>provider_inactive</c>).</param>
[GenerateSerializer, Immutable]
public sealed record SkippedProvider(
    [property: Id(0)] Guid ProviderId,
    [property: Id(1)] Guid SubscriptionId,
    [property: Id(2)] string Reason);

/// <summary>The record of one distribution attempt (DESIGN rule 5).</summary>
/// <param name="LeadId">The lead.</param>
/// <param name="RunId">This attempt's id.</param>
/// <param name="Attempt">1 for the first attempt; higher after failed ones (which wrote nothing but their record).</param>
/// <param name="StartLevelOrderPosition">Where the traversal started (the same for every attempt of a lead).</param>
/// <param name="Traversal">The order positions visited, in order.</param>
/// <param name="Assignments">All assignments of the lead, including those of earlier attempts.</param>
/// <param name="Skipped">Candidates passed over in this attempt.</param>
/// <param name="DurationMs">How long this attempt took.</param>
/// <param name="Status"><c>success</c>, <c>partial</c>, <c>no_eligible</c> or <c>failed</c>.</param>
/// <param name="CompletedAt">When the attempt ended.</param>
[GenerateSerializer, Immutable]
public sealed record DistributionResult(
    [property: Id(0)] Guid LeadId,
    [property: Id(1)] Guid RunId,
    [property: Id(2)] int Attempt,
    [property: Id(3)] int StartLevelOrderPosition,
    [property: Id(4)] IReadOnlyList<int> Traversal,
    [property: Id(5)] IReadOnlyList<AssignmentRecord> Assignments,
    [property: Id(6)] IReadOnlyList<SkippedProvider> Skipped,
    [property: Id(7)] long DurationMs,
    [property: Id(8)] string Status,
    [property: Id(9)] DateTimeOffset CompletedAt);
