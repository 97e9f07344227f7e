namespace LeadGrains.Abstractions.Returns;

/// <summary>How a return request ended.</summary>
public enum ReturnRequestOutcome
{
    /// <summary>Stored; it waits for a reviewer (see <see cref="ReturnView.ReviewReason"/>).</summary>
    PendingReview,
    /// <summary>Stored, approved within the provider's return-rate limit and refunded.</summary>
    AutoApproved,
    /// <summary>The assignment was returned before; <see cref="ReturnRequestResult.Return"/> is that return. Nothing changed.</summary>
    AlreadyRequested,
    /// <summary>The workspace's return window for this assignment has closed. Nothing changed.</summary>
    WindowClosed,
    /// <summary>The provider has no such assignment. Nothing changed.</summary>
    AssignmentNotFound,
}

/// <summary>The answer to a return request.</summary>
/// <param name="Outcome">What happened.</param>
/// <param name="Return">The return (the new one, or the earlier one of the same assignment); null if none.</param>
/// <param name="WindowEndsAt">When the assignment's return window ends (or ended); null if there is no such assignment.</param>
[GenerateSerializer, Immutable]
public sealed record ReturnRequestResult(
    [property: Id(0)] ReturnRequestOutcome Outcome,
    [property: Id(1)] ReturnView? Return,
    [property: Id(2)] DateTimeOffset? WindowEndsAt);
