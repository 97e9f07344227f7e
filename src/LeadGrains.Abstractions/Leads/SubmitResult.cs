namespace LeadGrains.Abstractions.Leads;

/// <summary>How a submission ended.</summary>
public enum SubmitOutcome
{
    /// <summary>Stored as <c>pending</c>.</summary>
    Accepted,
    /// <summary>Stored as <c>duplicate</c> of <see cref="SubmitResult.DuplicateOf"/>.</summary>
    Duplicate,
    /// <summary>Rejected by validation; nothing stored. See <see cref="SubmitResult.Errors"/>.</summary>
    Invalid,
    /// <summary>This lead id was submitted before; its current state is returned.</summary>
    AlreadySubmitted,
}

/// <summary>The answer to a submission.</summary>
/// <param name="Outcome">What happened.</param>
/// <param name="LeadId">The lead's id.</param>
/// <param name="Status">The lead's status now (empty when invalid).</param>
/// <param name="DuplicateOf">The earlier lead with the same contact, for duplicates.</param>
/// <param name="Errors">Field errors, for invalid submissions.</param>
[GenerateSerializer, Immutable]
public sealed record SubmitResult(
    [property: Id(0)] SubmitOutcome Outcome,
    [property: Id(1)] Guid LeadId,
    [property: Id(2)] string Status,
    [property: Id(3)] Guid? DuplicateOf,
    [property: Id(4)] IReadOnlyDictionary<string, string[]> Errors);
