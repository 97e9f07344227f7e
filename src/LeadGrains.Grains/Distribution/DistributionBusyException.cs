namespace LeadGrains.Grains.Distribution;

/// <summary>
/// The niche or its silo already has as many distributions in flight as it accepts. Answered at
/// once instead of queueing without bound (and timing out): nothing was planned or written, the
/// attempt does not count as failed, and the lead's queue tries it again shortly.
/// </summary>
[GenerateSerializer]
public sealed class DistributionBusyException(string what)
    : Exception($"{what} is at its limit of distributions in flight; try again shortly.");
