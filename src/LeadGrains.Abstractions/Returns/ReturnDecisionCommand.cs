namespace LeadGrains.Abstractions.Returns;

/// <summary>A reviewer approves (refunding the assignment's price) or rejects a pending return.</summary>
/// <param name="ReturnId">The return (of the provider the command is sent to).</param>
/// <param name="Approve">True to approve and refund, false to reject.</param>
/// <param name="Note">The reviewer's note, at most 2,000 characters.</param>
/// <param name="Actor">Who decides, for the return's record and the audit row written with the money.</param>
[GenerateSerializer, Immutable]
public sealed record ReturnDecisionCommand(
    [property: Id(0)] Guid ReturnId,
    [property: Id(1)] bool Approve,
    [property: Id(2)] string? Note,
    [property: Id(3)] string Actor);
