namespace LeadGrains.Abstractions.Returns;

/// <summary>A provider asks to return one of its assignments.</summary>
/// <param name="AssignmentId">The assignment (of the provider the command is sent to).</param>
/// <param name="Reason">A reason code of the workspace's list.</param>
/// <param name="Note">What was wrong with the lead, at most 2,000 characters.</param>
/// <param name="Actor">Who asks, for the return's record and its audit row.</param>
[GenerateSerializer, Immutable]
public sealed record ReturnRequestCommand(
    [property: Id(0)] Guid AssignmentId,
    [property: Id(1)] string? Reason,
    [property: Id(2)] string? Note,
    [property: Id(3)] string Actor);
