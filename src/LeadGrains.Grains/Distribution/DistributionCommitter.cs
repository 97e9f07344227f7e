using System.Threading.Channels;
using LeadGrains.Data;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace LeadGrains.Grains.Distribution;

/// <summary>
/// Group commit for the niches of this silo. A niche grain hands over each decided distribution and
/// waits for its row; each of the committer's lanes sends every plan waiting at that moment to
/// <c>record_distributions</c> as one transaction, while the next plans gather for the following
/// one. A niche always uses the same lane, so its plans are recorded in the order it decided them;
/// with more than one lane (<see cref="DistributionQueueOptions.CommitLanes"/>) the lanes run side
/// by side. The function treats the leads one after another, exactly as if each were recorded
/// alone, so batching changes the cost, never the outcome.
/// </summary>
public sealed class DistributionCommitter(
    NpgsqlDataSource db,
    IDistributionProbe probe,
    LeadGrainsTelemetry telemetry,
    [FromKeyedServices(LeadGrainsClock.Key)] TimeProvider clock,
    IOptions<DistributionQueueOptions> options,
    ILogger<DistributionCommitter> logger) : BackgroundService
{
    /// <summary>Plans per transaction at most: bounds the locks one transaction holds and its duration.</summary>
    public const int MaxBatch = 128;

    private sealed record Pending(DistributionPlan Plan, long StartedTimestamp, TaskCompletionSource<DistributionStore.RecordedRow> Done);

    private readonly int _maxQueued = options.Value.MaxQueuedPerSilo;
    private readonly Channel<Pending>[] _lanes = Enumerable.Range(0, Math.Max(1, options.Value.CommitLanes))
        .Select(_ => Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true }))
        .ToArray();
    private int _queued;

    /// <summary>Plans queued or being recorded on this silo: its distributions in flight.</summary>
    public int Queued => Volatile.Read(ref _queued);

    /// <summary>
    /// Queues the plan for its lane's next transaction; completes with the database's answer for it,
    /// or fails with the transaction. Answers <see cref="DistributionStore.RecordedRow.Busy"/> at once,
    /// sending nothing, when the silo already has its limit of plans queued.
    /// </summary>
    /// <param name="startedTimestamp">When the distribution began (<see cref="TimeProvider.GetTimestamp"/>), for its recorded duration.</param>
    public Task<DistributionStore.RecordedRow> Commit(DistributionPlan plan, long startedTimestamp)
    {
        if (Interlocked.Increment(ref _queued) > _maxQueued)
        {
            Interlocked.Decrement(ref _queued);
            return Task.FromResult(DistributionStore.RecordedRow.Busy);
        }
        var pending = new Pending(plan, startedTimestamp, new TaskCompletionSource<DistributionStore.RecordedRow>(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!LaneOf(plan.NicheId).Writer.TryWrite(pending))
        {
            Interlocked.Decrement(ref _queued);
            pending.Done.SetException(new OperationCanceledException("The silo is stopping; the distribution was not attempted, and its lead's queue will retry it."));
        }
        return pending.Done.Task;
    }

    /// <summary>
    /// Stopping drains: no new plan is taken, and what is already queued is still recorded — each
    /// answered from the database — unless the host's shutdown timeout runs out first.
    /// </summary>
    public override Task StopAsync(CancellationToken cancellationToken)
    {
        foreach (var lane in _lanes)
        {
            lane.Writer.TryComplete();
        }
        return base.StopAsync(cancellationToken);
    }

    /// <summary>
    /// Each lane runs on a thread of its own, blocking on the database through a connection of its own
    /// (<see cref="KeptConnection"/>). The lane is the silo's serial
    /// section: at the peak, every moment it is not recording caps the silo's rate, and with the thread
    /// pool busy with the grains' turns, each of its continuations would wait in the pool's queue.
    /// </summary>
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(_lanes.Select((lane, i) => DedicatedThread.Run($"Commit lane {i}", () => Drain(lane))));

    private Channel<Pending> LaneOf(Guid nicheId) => _lanes[(uint)nicheId.GetHashCode() % (uint)_lanes.Length];

    private void Drain(Channel<Pending> lane)
    {
        var batch = new List<Pending>(MaxBatch);
        using var connection = new KeptConnection(db);
        // Not the stopping token: the loop ends when StopAsync has completed the lane and it is empty.
        while (lane.Reader.WaitToReadAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult())
        {
            while (batch.Count < MaxBatch && lane.Reader.TryRead(out var next))
            {
                batch.Add(next);
            }
            Flush(connection, batch);
            Interlocked.Add(ref _queued, -batch.Count);
            batch.Clear();
        }
    }

    private void Flush(KeptConnection connection, List<Pending> batch)
    {
        var started = TimeProvider.System.GetTimestamp();   // wall time: the business clock may be virtual
        try
        {
            var plans = batch.Select(p => (p.Plan, (long)clock.GetElapsedTime(p.StartedTimestamp).TotalMilliseconds)).ToList();
            var rows = DistributionStore.Record(connection.Get(), plans, () =>
            {
                foreach (var pending in batch)
                {
                    probe.At(InterruptionPoint.BeforeCommit, pending.Plan.LeadId).GetAwaiter().GetResult();
                }
            });
            telemetry.GroupCommitted(batch.Count, TimeProvider.System.GetElapsedTime(started).TotalMilliseconds, committed: true);
            for (var i = 0; i < batch.Count; i++)
            {
                batch[i].Done.TrySetResult(rows[i]);
            }
        }
        catch (Exception error) when (batch.Count > 1 && !DatabaseUnavailable.Is(error))
        {
            connection.Drop();
            telemetry.GroupCommitted(batch.Count, TimeProvider.System.GetElapsedTime(started).TotalMilliseconds, committed: false);
            // One failing distribution must not fail its neighbours: each goes again on its own.
            logger.LogWarning(error, "A transaction of {Count} distributions failed; recording each on its own", batch.Count);
            foreach (var pending in batch)
            {
                Flush(connection, [pending]);
            }
        }
        catch (Exception error)
        {
            connection.Drop();
            // Alone, or the database itself is unreachable, broken or timing out: that is not one bad
            // distribution, and one-by-one retries would each wait out the same fault. The whole group
            // fails at once; each lead's queue retries it with backoff.
            telemetry.GroupCommitted(batch.Count, TimeProvider.System.GetElapsedTime(started).TotalMilliseconds, committed: false);
            if (batch.Count > 1)
            {
                logger.LogWarning(error, "A transaction of {Count} distributions failed with the database unavailable; failing them together", batch.Count);
            }
            foreach (var pending in batch)
            {
                pending.Done.TrySetException(error);
            }
        }
    }
}
