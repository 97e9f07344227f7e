namespace LeadGrains.Abstractions.Providers;

/// <summary>How a charge for an assignment ended.</summary>
public enum ChargeOutcome
{
    /// <summary>Assignment, charge, balance and last-received time committed together.</summary>
    Charged,
    /// <summary>The provider already has this lead; nothing was charged.</summary>
    Duplicate,
    /// <summary>The balance does not cover the price; nothing was charged.</summary>
    InsufficientBalance,
    /// <summary>The subscription is paused; nothing was charged.</summary>
    SubscriptionInactive,
    /// <summary>The provider is inactive or unknown; nothing was charged.</summary>
    ProviderInactive,
    /// <summary>The distribution attempt lost its lease to a later attempt; nothing was charged.</summary>
    Fenced,
}

/// <summary>The answer to a charge.</summary>
/// <param name="Outcome">What happened.</param>
/// <param name="AssignmentId">The assignment (new, or the existing one for a duplicate).</param>
/// <param name="BalanceCents">The provider's balance afterwards.</param>
/// <param name="PausedSubscriptionIds">Subscriptions paused because the balance no longer covers their price.</param>
/// <param name="At">When the charge was made (the subscription's new last-received time).</param>
[GenerateSerializer, Immutable]
public sealed record ChargeResult(
    [property: Id(0)] ChargeOutcome Outcome,
    [property: Id(1)] Guid? AssignmentId,
    [property: Id(2)] long BalanceCents,
    [property: Id(3)] IReadOnlyList<Guid> PausedSubscriptionIds,
    [property: Id(4)] DateTimeOffset At);
