using System.Threading.Channels;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LeadGrains.Grains.Distribution;

/// <summary>
/// Group commit for the niches of this silo. A niche grain hands over each distribution plan and
/// waits for its row; the committer sends every plan waiting at that moment, from any niche, to
/// <c>distribute_leads</c> as one transaction, while the next plans gather for the following one.
/// Under load that is one transaction, one round trip and one WAL flush for many distributions;
/// alone, a plan goes at once. The function treats the leads one after another, exactly as if each
/// were committed alone, so batching changes the cost, never the outcome.
/// </summary>
public sealed class DistributionCommitter(
    DistributionStore store,
    DistributionInterruptions interruptions,
    LeadGrainsTelemetry telemetry,
    [FromKeyedServices(LeadGrainsClock.Key)] TimeProvider clock,
    ILogger<DistributionCommitter> logger) : BackgroundService
{
    /// <summary>Plans per transaction at most: bounds the locks one transaction holds and its duration.</summary>
    public const int MaxBatch = 128;

    private sealed record Pending(DistributionPlan Plan, long StartedTimestamp, TaskCompletionSource<DistributionStore.DistributeRow> Done);

    private readonly Channel<Pending> _pending = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });

    /// <summary>Queues the plan for the next transaction; completes with the database's answer for it, or fails with the transaction.</summary>
    /// <param name="startedTimestamp">When the distribution began (<see cref="TimeProvider.GetTimestamp"/>), for its recorded duration.</param>
    public Task<DistributionStore.DistributeRow> Commit(DistributionPlan plan, long startedTimestamp)
    {
        var pending = new Pending(plan, startedTimestamp, new TaskCompletionSource<DistributionStore.DistributeRow>(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!_pending.Writer.TryWrite(pending))
        {
            pending.Done.SetException(new OperationCanceledException("The silo is stopping; the distribution was not attempted, and its lead's queue will retry it."));
        }
        return pending.Done.Task;
    }

    /// <summary>
    /// Stopping drains: no new plan is taken, and what is already queued is still committed — each
    /// answered from the database — unless the host's shutdown timeout runs out first.
    /// </summary>
    public override Task StopAsync(CancellationToken cancellationToken)
    {
        _pending.Writer.TryComplete();
        return base.StopAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<Pending>(MaxBatch);
        // Not stoppingToken: the loop ends when StopAsync has completed the queue and it is empty.
        while (await _pending.Reader.WaitToReadAsync(CancellationToken.None))
        {
            while (batch.Count < MaxBatch && _pending.Reader.TryRead(out var next))
            {
                batch.Add(next);
            }
            await Flush(batch);
            batch.Clear();
        }
    }

    private async Task Flush(List<Pending> batch)
    {
        var started = TimeProvider.System.GetTimestamp();   // wall time: the business clock may be virtual
        try
        {
            var plans = batch.Select(p => (p.Plan, (long)clock.GetElapsedTime(p.StartedTimestamp).TotalMilliseconds)).ToList();
            var rows = await store.Distribute(plans, async () =>
            {
                foreach (var pending in batch)
                {
                    await interruptions.At(InterruptionPoint.BeforeCommit, pending.Plan.LeadId);
                }
            });
            telemetry.GroupCommitted(batch.Count, TimeProvider.System.GetElapsedTime(started).TotalMilliseconds, committed: true);
            for (var i = 0; i < batch.Count; i++)
            {
                batch[i].Done.TrySetResult(rows[i]);
            }
        }
        catch (Exception error) when (batch.Count > 1)
        {
            telemetry.GroupCommitted(batch.Count, TimeProvider.System.GetElapsedTime(started).TotalMilliseconds, committed: false);
            // One failing distribution must not fail its neighbours: each goes again on its own.
            logger.LogWarning(error, "A transaction of {Count} distributions failed; committing each on its own", batch.Count);
            foreach (var pending in batch)
            {
                await Flush([pending]);
            }
        }
        catch (Exception error)
        {
            telemetry.GroupCommitted(1, TimeProvider.System.GetElapsedTime(started).TotalMilliseconds, committed: false);
            batch[0].Done.TrySetException(error);
        }
    }
}
