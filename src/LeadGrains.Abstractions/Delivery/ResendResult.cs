namespace LeadGrains.Abstractions.Delivery;

/// <summary>How a resend went.</summary>
public enum ResendOutcome
{
    /// <summary>The assignment's deliveries are pending (again).</summary>
    Queued,
    /// <summary>No such assignment in the workspace.</summary>
    AssignmentNotFound,
    /// <summary>The assignment has no delivery (on that channel) yet: its provider has the channel off, or the cursor has not reached it.</summary>
    NoDelivery,
}

/// <summary>The answer to a resend.</summary>
/// <param name="Outcome">What happened.</param>
/// <param name="DeliveryIds">The deliveries now pending.</param>
[GenerateSerializer, Immutable]
public sealed record ResendResult([property: Id(0)] ResendOutcome Outcome, [property: Id(1)] IReadOnlyList<Guid> DeliveryIds);
