namespace LeadGrains.Abstractions.Distribution;

/// <summary>What a niche did with a lead it was asked to distribute, other than fail.</summary>
public enum NicheDistributionOutcome
{
    /// <summary>Decided and recorded: <see cref="NicheDistributionAnswer.Result"/> holds the distribution.</summary>
    Recorded,
    /// <summary>
    /// The database found the lead no longer approved when the decision came to commit — distributed
    /// by an earlier attempt whose reply was lost, by a duplicate activation, or expired. Nothing was
    /// written; <see cref="NicheDistributionAnswer.LeadStatus"/> is the status it found.
    /// </summary>
    NotDistributable,
    /// <summary>
    /// The niche or its silo already had as many distributions in flight as it accepts: nothing was
    /// decided or written, the attempt does not count as failed, and the caller tries again shortly.
    /// </summary>
    Busy,
}

/// <summary>
/// A niche's answer to a distribution request. Expected outcomes are values; an exception from
/// <c>INicheGrain.Distribute</c> is a fault (the database, a timeout, a stopping silo).
/// </summary>
/// <param name="Outcome">What happened.</param>
/// <param name="Result">The recorded distribution (<see cref="NicheDistributionOutcome.Recorded"/> only).</param>
/// <param name="LeadStatus">The lead's status the database found (<see cref="NicheDistributionOutcome.NotDistributable"/> only; null: no such lead in the niche).</param>
[GenerateSerializer, Immutable]
public sealed record NicheDistributionAnswer(
    [property: Id(0)] NicheDistributionOutcome Outcome,
    [property: Id(1)] DistributionResult? Result,
    [property: Id(2)] string? LeadStatus)
{
    /// <summary>The distribution was recorded.</summary>
    public static NicheDistributionAnswer Recorded(DistributionResult result) => new(NicheDistributionOutcome.Recorded, result, null);

    /// <summary>The database found the lead in <paramref name="leadStatus"/>, not approved; nothing was written.</summary>
    public static NicheDistributionAnswer NotDistributable(string? leadStatus) => new(NicheDistributionOutcome.NotDistributable, null, leadStatus);

    /// <summary>Too many distributions in flight; nothing was decided or written.</summary>
    public static NicheDistributionAnswer Busy { get; } = new(NicheDistributionOutcome.Busy, null, null);
}
