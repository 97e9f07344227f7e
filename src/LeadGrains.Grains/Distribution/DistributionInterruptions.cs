using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;

namespace LeadGrains.Grains.Distribution;

/// <summary>
/// Fault-injection points for crash-resume and retry drills, armed per lead: fail attempts as they
/// begin, fail right after the k-th charge (as a crash would leave it), or stop there — or before an
/// attempt starts — until released or until the silo stops, so a drill can kill the silo at exactly
/// that instant. Disarmed, the normal state, each point costs one dictionary lookup.
/// </summary>
public sealed class DistributionInterruptions(IHostApplicationLifetime lifetime)
{
    private sealed record Hold(int AfterCharges, TaskCompletionSource Reached, TaskCompletionSource Released);

    private readonly ConcurrentDictionary<Guid, int> _failAfterCharges = new();
    private readonly ConcurrentDictionary<Guid, Hold> _holdAfterCharges = new();
    private readonly ConcurrentDictionary<Guid, int> _failingAttempts = new();
    private readonly ConcurrentDictionary<Guid, Hold> _holdBeforeAttempt = new();

    /// <summary>The next distribution of the lead throws after <paramref name="afterCharges"/> charges (once).</summary>
    public void FailAfterCharges(Guid leadId, int afterCharges) => _failAfterCharges[leadId] = afterCharges;

    /// <summary>The next distribution of the lead stops after <paramref name="afterCharges"/> charges; the task completes when it got there.</summary>
    public Task HoldAfterCharges(Guid leadId, int afterCharges) => Arm(_holdAfterCharges, leadId, afterCharges);

    /// <summary>The next <paramref name="attempts"/> distribution attempts of the lead fail right after they begin.</summary>
    public void FailAttempts(Guid leadId, int attempts) => _failingAttempts[leadId] = attempts;

    /// <summary>The lead's next attempt stops before it reaches its niche; the task completes when it got there.</summary>
    public Task HoldBeforeAttempt(Guid leadId) => Arm(_holdBeforeAttempt, leadId, 0);

    /// <summary>Lets a held distribution of the lead go on.</summary>
    public void Release(Guid leadId)
    {
        foreach (var holds in new[] { _holdAfterCharges, _holdBeforeAttempt })
        {
            if (holds.TryRemove(leadId, out var hold))
            {
                hold.Released.TrySetResult();
            }
        }
    }

    public void Disarm(Guid leadId)
    {
        _failAfterCharges.TryRemove(leadId, out _);
        _failingAttempts.TryRemove(leadId, out _);
        Release(leadId);
    }

    /// <summary>Called by the lead grain before it asks the niche to distribute.</summary>
    public Task BeforeAttempt(Guid leadId) =>
        _holdBeforeAttempt.TryGetValue(leadId, out var hold) ? Stop(hold) : Task.CompletedTask;

    /// <summary>Called by the niche grain once an attempt is recorded.</summary>
    public void AttemptBegun(Guid leadId)
    {
        if (_failingAttempts.TryGetValue(leadId, out var remaining) && remaining > 0)
        {
            _failingAttempts[leadId] = remaining - 1;
            throw new DistributionInterruptedException(leadId, 0);
        }
    }

    /// <summary>Called by the niche grain after each charge of a distribution.</summary>
    public Task AfterCharge(Guid leadId, int chargesSoFar)
    {
        if (_failAfterCharges.TryGetValue(leadId, out var limit) && chargesSoFar >= limit && _failAfterCharges.TryRemove(leadId, out _))
        {
            throw new DistributionInterruptedException(leadId, chargesSoFar);
        }
        return _holdAfterCharges.TryGetValue(leadId, out var hold) && chargesSoFar >= hold.AfterCharges ? Stop(hold) : Task.CompletedTask;
    }

    private static Task Arm(ConcurrentDictionary<Guid, Hold> holds, Guid leadId, int afterCharges)
    {
        var hold = new Hold(afterCharges, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously),
            new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        holds[leadId] = hold;
        return hold.Reached.Task;
    }

    /// <summary>Stuck as a crashed or paused process would be, until released (which disarms it) or until the silo goes down.</summary>
    private async Task Stop(Hold hold)
    {
        hold.Reached.TrySetResult();
        await hold.Released.Task.WaitAsync(lifetime.ApplicationStopping);
    }
}

/// <summary>Raised by an armed <see cref="DistributionInterruptions"/>.</summary>
[GenerateSerializer]
public sealed class DistributionInterruptedException(Guid leadId, int charges)
    : Exception($"Distribution of lead {leadId} interrupted after {charges} charge(s) by fault injection.");
