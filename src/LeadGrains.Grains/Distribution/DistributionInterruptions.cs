using System.Collections.Concurrent;

namespace LeadGrains.Grains.Distribution;

/// <summary>
/// A fault-injection point for crash-resume drills: an operator or a test arms it for one lead,
/// and that lead's distribution stops dead right after its k-th charge, as a crash would leave it.
/// Disarmed (the normal state) it costs one dictionary lookup per charge.
/// </summary>
public sealed class DistributionInterruptions
{
    private readonly ConcurrentDictionary<Guid, int> _armed = new();

    /// <summary>Interrupt the next distribution of <paramref name="leadId"/> after <paramref name="afterCharges"/> charges (once).</summary>
    public void Arm(Guid leadId, int afterCharges) => _armed[leadId] = afterCharges;

    /// <summary>Throws <see cref="DistributionInterruptedException"/> when the lead's armed charge count is reached.</summary>
    public void AfterCharge(Guid leadId, int chargesSoFar)
    {
        if (_armed.TryGetValue(leadId, out var limit) && chargesSoFar >= limit && _armed.TryRemove(leadId, out _))
        {
            throw new DistributionInterruptedException(leadId, chargesSoFar);
        }
    }
}

/// <summary>Raised by an armed <see cref="DistributionInterruptions"/>.</summary>
[GenerateSerializer]
public sealed class DistributionInterruptedException(Guid leadId, int charges)
    : Exception($"Distribution of lead {leadId} interrupted after {charges} charge(s) by fault injection.");
