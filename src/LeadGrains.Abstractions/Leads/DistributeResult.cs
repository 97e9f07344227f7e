using LeadGrains.Abstractions.Distribution;

namespace LeadGrains.Abstractions.Leads;

/// <summary>How a request to distribute a lead ended.</summary>
public enum DistributeOutcome
{
    /// <summary>This call ran the distribution.</summary>
    Completed,
    /// <summary>The lead was distributed before; the stored result is returned and nobody was charged.</summary>
    AlreadyCompleted,
    /// <summary>Only approved (or failed, for a retry) leads are distributed.</summary>
    NotDistributable,
    /// <summary>The lead does not exist.</summary>
    NotFound,
    /// <summary>Its niche or silo has its limit of distributions in flight: nothing was done, the lead is queued to be tried again shortly.</summary>
    Busy,
}

/// <summary>The answer to a distribute request.</summary>
/// <param name="Outcome">What happened.</param>
/// <param name="Status">The lead's status now.</param>
/// <param name="Result">The distribution's result, when there is one.</param>
[GenerateSerializer, Immutable]
public sealed record DistributeResult(
    [property: Id(0)] DistributeOutcome Outcome,
    [property: Id(1)] string Status,
    [property: Id(2)] DistributionResult? Result);
