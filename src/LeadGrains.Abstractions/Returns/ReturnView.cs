namespace LeadGrains.Abstractions.Returns;

/// <summary>A return request as stored.</summary>
/// <param name="ReturnId">Its id.</param>
/// <param name="WorkspaceId">The tenant.</param>
/// <param name="AssignmentId">The assignment returned.</param>
/// <param name="ProviderId">The provider that bought the lead.</param>
/// <param name="LeadId">The lead.</param>
/// <param name="NicheId">The lead's niche.</param>
/// <param name="PriceCents">What the assignment charged; an approval refunds exactly this.</param>
/// <param name="Reason">The reason code.</param>
/// <param name="Note">The provider's note.</param>
/// <param name="Status"><c>pending</c>, <c>approved</c> or <c>rejected</c>.</param>
/// <param name="ReviewReason">Why a pending return waits for a person: <c>review_required</c> or <c>rate_limit</c>.</param>
/// <param name="RequestedAt">When it was asked for (business time).</param>
/// <param name="RequestedBy">Who asked.</param>
/// <param name="DecidedAt">When it was approved or rejected.</param>
/// <param name="DecidedBy">Who decided (<c>auto-approval</c> for the rate-limited auto-approval).</param>
/// <param name="DecisionNote">The reviewer's note.</param>
/// <param name="RefundEntryId">The refund's ledger entry, once approved.</param>
[GenerateSerializer, Immutable]
public sealed record ReturnView(
    [property: Id(0)] Guid ReturnId,
    [property: Id(1)] Guid WorkspaceId,
    [property: Id(2)] Guid AssignmentId,
    [property: Id(3)] Guid ProviderId,
    [property: Id(4)] Guid LeadId,
    [property: Id(5)] Guid NicheId,
    [property: Id(6)] long PriceCents,
    [property: Id(7)] string Reason,
    [property: Id(8)] string? Note,
    [property: Id(9)] string Status,
    [property: Id(10)] string? ReviewReason,
    [property: Id(11)] DateTimeOffset RequestedAt,
    [property: Id(12)] string RequestedBy,
    [property: Id(13)] DateTimeOffset? DecidedAt,
    [property: Id(14)] string? DecidedBy,
    [property: Id(15)] string? DecisionNote,
    [property: Id(16)] Guid? RefundEntryId);
