namespace LeadGrains.Abstractions.Providers;

/// <summary>How a deposit request ended.</summary>
public enum DepositOutcome
{
    /// <summary>The funds were added.</summary>
    Deposited,
    /// <summary>The same key and request were seen before; the first answer is returned, nothing changed.</summary>
    Replayed,
    /// <summary>The key was used before for a different request; nothing changed.</summary>
    KeyConflict,
    /// <summary>The provider does not exist.</summary>
    ProviderNotFound,
}

/// <summary>The answer to a deposit.</summary>
/// <param name="Outcome">What happened.</param>
/// <param name="EntryId">The ledger entry of the deposit.</param>
/// <param name="AmountCents">The deposited amount.</param>
/// <param name="BalanceCents">The balance right after that deposit.</param>
[GenerateSerializer, Immutable]
public sealed record DepositResult(
    [property: Id(0)] DepositOutcome Outcome,
    [property: Id(1)] Guid EntryId,
    [property: Id(2)] long AmountCents,
    [property: Id(3)] long BalanceCents);
