namespace LeadGrains.Abstractions.Returns;

/// <summary>How a decision on a return ended.</summary>
public enum ReturnDecisionOutcome
{
    /// <summary>Approved now; the price was refunded.</summary>
    Approved,
    /// <summary>Rejected now.</summary>
    Rejected,
    /// <summary>It was approved before (and refunded then, once): nothing changed.</summary>
    AlreadyApproved,
    /// <summary>It was rejected before: nothing changed.</summary>
    AlreadyRejected,
    /// <summary>The provider has no such return. Nothing changed.</summary>
    ReturnNotFound,
}

/// <summary>The answer to a decision.</summary>
/// <param name="Outcome">What happened.</param>
/// <param name="Return">The return as it is now; null if not found.</param>
/// <param name="BalanceCents">The provider's balance right after the refund (approved outcomes), otherwise null.</param>
[GenerateSerializer, Immutable]
public sealed record ReturnDecisionResult(
    [property: Id(0)] ReturnDecisionOutcome Outcome,
    [property: Id(1)] ReturnView? Return,
    [property: Id(2)] long? BalanceCents);
