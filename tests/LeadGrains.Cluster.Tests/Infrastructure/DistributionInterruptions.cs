using System.Collections.Concurrent;
using LeadGrains.Grains.Distribution;
using Microsoft.Extensions.Hosting;

namespace LeadGrains.Cluster.Tests.Infrastructure;

/// <summary>
/// Fault injection for crash, retry and fencing drills, armed per lead: fail attempts as they begin,
/// or fail or stop a distribution at one of the <see cref="InterruptionPoint"/>s until released or
/// until the silo stops, so a drill can kill the silo at exactly that instant. The test silos
/// register it in place of production's <see cref="NoDistributionProbe"/>.
/// </summary>
public sealed class DistributionInterruptions(IHostApplicationLifetime lifetime) : IDistributionProbe
{
    private sealed record Hold(TaskCompletionSource Reached, TaskCompletionSource Released);

    private readonly ConcurrentDictionary<(Guid, InterruptionPoint), bool> _failures = new();
    private readonly ConcurrentDictionary<(Guid, InterruptionPoint), Hold> _holds = new();
    private readonly ConcurrentDictionary<Guid, int> _failingAttempts = new();

    /// <summary>The next <paramref name="attempts"/> distribution attempts of the lead fail right after they begin.</summary>
    public void FailAttempts(Guid leadId, int attempts) => _failingAttempts[leadId] = attempts;

    /// <summary>Every distribution of the lead throws at <paramref name="point"/> until disarmed: a lead that always breaks its transaction.</summary>
    public void FailAt(Guid leadId, InterruptionPoint point) => _failures[(leadId, point)] = true;

    /// <summary>The lead's next distribution stops at <paramref name="point"/>; the task completes when it got there.</summary>
    public Task HoldAt(Guid leadId, InterruptionPoint point)
    {
        var hold = new Hold(new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously),
            new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        _holds[(leadId, point)] = hold;
        return hold.Reached.Task;
    }

    /// <summary>Lets a held distribution of the lead go on.</summary>
    public void Release(Guid leadId)
    {
        foreach (var point in Enum.GetValues<InterruptionPoint>())
        {
            if (_holds.TryRemove((leadId, point), out var hold))
            {
                hold.Released.TrySetResult();
            }
        }
    }

    public void Disarm(Guid leadId)
    {
        _failingAttempts.TryRemove(leadId, out _);
        foreach (var point in Enum.GetValues<InterruptionPoint>())
        {
            _failures.TryRemove((leadId, point), out _);
        }
        Release(leadId);
    }

    /// <summary>Called by the niche grain as an attempt begins.</summary>
    public void AttemptBegun(Guid leadId)
    {
        if (_failingAttempts.TryGetValue(leadId, out var remaining) && remaining > 0)
        {
            _failingAttempts[leadId] = remaining - 1;
            throw new DistributionInterruptedException(leadId, "as the attempt began");
        }
    }

    /// <summary>Called by the distribution code when it reaches <paramref name="point"/>.</summary>
    public Task At(InterruptionPoint point, Guid leadId)
    {
        if (_failures.ContainsKey((leadId, point)))
        {
            throw new DistributionInterruptedException(leadId, $"at {point}");
        }
        return _holds.TryGetValue((leadId, point), out var hold) ? Stop(hold) : Task.CompletedTask;
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
public sealed class DistributionInterruptedException(Guid leadId, string where)
    : Exception($"Distribution of lead {leadId} interrupted {where} by fault injection.");
