using LeadGrains.Abstractions.Returns;

namespace LeadGrains.Domain.Returns;

/// <summary>
/// A return request as a row of <c>lead_returns</c> reads (snake_case columns onto these names), and
/// its view: one shape for the grain that writes returns and the API's read model that lists them.
/// </summary>
public sealed record StoredReturn
{
    public Guid ReturnId { get; init; }
    public Guid WorkspaceId { get; init; }
    public Guid AssignmentId { get; init; }
    public Guid ProviderId { get; init; }
    public Guid LeadId { get; init; }
    public Guid NicheId { get; init; }
    public long PriceCents { get; init; }
    public string Reason { get; init; } = "";
    public string? Note { get; init; }
    public string Status { get; init; } = "";
    public string? ReviewReason { get; init; }
    public DateTime RequestedAt { get; init; }
    public string RequestedBy { get; init; } = "";
    public DateTime? DecidedAt { get; init; }
    public string? DecidedBy { get; init; }
    public string? DecisionNote { get; init; }
    public Guid? RefundEntryId { get; init; }

    public ReturnView ToView() => new(
        ReturnId, WorkspaceId, AssignmentId, ProviderId, LeadId, NicheId, PriceCents, Reason, Note, Status, ReviewReason,
        new DateTimeOffset(DateTime.SpecifyKind(RequestedAt, DateTimeKind.Utc)), RequestedBy,
        DecidedAt is { } decided ? new DateTimeOffset(DateTime.SpecifyKind(decided, DateTimeKind.Utc)) : null,
        DecidedBy, DecisionNote, RefundEntryId);
}
