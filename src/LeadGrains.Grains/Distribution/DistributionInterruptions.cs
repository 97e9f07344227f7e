using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;

namespace LeadGrains.Grains.Distribution;

/// <summary>
/// A fault-injection point for crash-resume drills: armed for one lead, that lead's distribution
/// either fails right after its k-th charge (as a crash would leave it) or stops there until its
/// silo stops, so a drill can kill the silo at exactly that instant. Disarmed — the normal state — it
/// costs one dictionary lookup per charge.
/// </summary>
public sealed class DistributionInterruptions(IHostApplicationLifetime lifetime)
{
    private sealed record Trap(int AfterCharges, TaskCompletionSource? Reached);

    private readonly ConcurrentDictionary<Guid, Trap> _armed = new();

    /// <summary>The next distribution of <paramref name="leadId"/> throws after <paramref name="afterCharges"/> charges (once).</summary>
    public void FailAfter(Guid leadId, int afterCharges) => _armed[leadId] = new Trap(afterCharges, null);

    /// <summary>
    /// The next distribution of <paramref name="leadId"/> stops after <paramref name="afterCharges"/> charges and never
    /// continues; the returned task completes when it got there.
    /// </summary>
    public Task HoldAfter(Guid leadId, int afterCharges)
    {
        var trap = new Trap(afterCharges, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        _armed[leadId] = trap;
        return trap.Reached!.Task;
    }

    public void Disarm(Guid leadId) => _armed.TryRemove(leadId, out _);

    /// <summary>Called by the niche grain after each charge of a distribution.</summary>
    public async Task AfterCharge(Guid leadId, int chargesSoFar)
    {
        if (!_armed.TryGetValue(leadId, out var trap) || chargesSoFar < trap.AfterCharges || !_armed.TryRemove(leadId, out _))
        {
            return;
        }
        if (trap.Reached is null)
        {
            throw new DistributionInterruptedException(leadId, chargesSoFar);
        }
        trap.Reached.SetResult();
        // Stuck until the silo goes down, as a crashed process would be; stopping ends the turn so the silo can die.
        await Task.Delay(Timeout.Infinite, lifetime.ApplicationStopping);
    }
}

/// <summary>Raised by an armed <see cref="DistributionInterruptions"/>.</summary>
[GenerateSerializer]
public sealed class DistributionInterruptedException(Guid leadId, int charges)
    : Exception($"Distribution of lead {leadId} interrupted after {charges} charge(s) by fault injection.");
