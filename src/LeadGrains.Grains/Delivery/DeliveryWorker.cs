using System.Collections.Concurrent;
using LeadGrains.Domain.Delivery;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LeadGrains.Grains.Delivery;

/// <summary>
/// Each silo's delivery loops: every <see cref="DeliveryOptions.PollInterval"/> (at once again while
/// there is more) one steps the cursor (one silo at a time does; it sends the new deliveries it has
/// room for itself), the other records the tries that ended and claims due deliveries it has room
/// for (retries, and what the stepping silo left). Each is sent on its channel without waiting for
/// the others: a receiver that hangs holds only its endpoint's slots until its timeout. A taken
/// delivery carries a lease: if this silo dies mid-send, another claims it once the lease runs out
/// and sends it again under the same message id.
/// </summary>
public sealed class DeliveryWorker(
    DeliveryCursor cursor,
    DeliveryStore store,
    IEnumerable<IDeliveryChannel> channels,
    DeliveryTelemetry telemetry,
    IOptions<DeliveryOptions> options,
    ILocalSiloDetails siloDetails,
    [FromKeyedServices(LeadGrainsClock.Key)] TimeProvider clock,
    ILogger<DeliveryWorker> logger) : BackgroundService
{
    private static readonly TimeSpan SizesInterval = TimeSpan.FromSeconds(5);

    // The last registration of a channel wins, so a host can replace one.
    private readonly Dictionary<string, IDeliveryChannel> _channels = channels.GroupBy(c => c.Name).ToDictionary(g => g.Key, g => g.Last());
    private readonly ConcurrentDictionary<DeliveryEndpoint, int> _inFlight = new();
    private readonly ConcurrentQueue<FinishedAttempt> _finished = new();
    private readonly SemaphoreSlim _oneRoundAtATime = new(1, 1);
    private readonly SemaphoreSlim _oneStepAtATime = new(1, 1);
    private int _inFlightTotal;
    private DateTime _sizesObservedAt = DateTime.MinValue;

    private string Silo => siloDetails.SiloAddress.ToString();

    /// <summary>Sends under way on this silo.</summary>
    public int InFlight => Volatile.Read(ref _inFlightTotal);

    /// <summary>
    /// One round of both loops: steps the cursor, records finished tries, claims and starts sends.
    /// Returns the sends started. Tests call it to move delivery on without waiting for the timers.
    /// </summary>
    public async Task<int> RunOnce(CancellationToken cancellationToken = default)
    {
        var step = await StepCursor(cancellationToken);
        return step.Started + (await SendDue(cancellationToken)).Claimed;
    }

    /// <summary>
    /// One cursor step, which also leases to this silo as many of the new deliveries as it has room
    /// for, and starts sending them. Full: it read a full batch of runs (more may be waiting).
    /// </summary>
    private async Task<(bool Full, int Started)> StepCursor(CancellationToken cancellationToken)
    {
        await _oneStepAtATime.WaitAsync(cancellationToken);
        try
        {
            var now = clock.GetUtcNow();
            var lease = Lease(now);
            var (runs, created, leased) = await cursor.Step(now, options.Value.GiveUpAfter, options.Value.CursorBatch, lease, cancellationToken);
            if (created > 0)
            {
                telemetry.Created(created);
            }
            var started = leased.Length > 0 ? await store.Leased(leased, lease.LeaseToken, cancellationToken) : [];
            Dispatch(started, cancellationToken);
            return (runs >= options.Value.CursorBatch, started.Count);
        }
        finally
        {
            _oneStepAtATime.Release();
        }
    }

    /// <summary>
    /// Records the tries that ended since the last round and claims what this silo has room for, in
    /// one round trip, and starts sending it; returns the sends started and the room there was.
    /// </summary>
    private async Task<(int Claimed, int Room)> SendDue(CancellationToken cancellationToken)
    {
        await _oneRoundAtATime.WaitAsync(cancellationToken);
        try
        {
            var finished = TakeFinished();
            var now = clock.GetUtcNow();
            var lease = Lease(now);
            IReadOnlyList<DeliveryEndpoint> failing;
            IReadOnlyList<DeliveryWork> claimed;
            try
            {
                (failing, claimed) = await store.RecordAndClaim(finished, now, Silo, options.Value.FailingAfterConsecutiveFailures, lease, cancellationToken);
            }
            catch
            {
                // Not recorded: keep them for the next round (their leases still hold them for this silo).
                foreach (var f in finished)
                {
                    _finished.Enqueue(f);
                }
                throw;
            }
            Recorded(finished, failing);
            Dispatch(claimed, cancellationToken);
            return (claimed.Count, lease.Room);
        }
        finally
        {
            _oneRoundAtATime.Release();
        }
    }

    /// <summary>What this silo can take on now: its free sending slots, overall and per endpoint.</summary>
    private LeaseRequest Lease(DateTimeOffset now) => new(
        now + options.Value.Lease, Guid.NewGuid(), Silo, Math.Max(0, Math.Min(options.Value.ClaimBatch, options.Value.MaxInFlight - InFlight)),
        options.Value.MaxInFlightPerEndpoint, _inFlight.Where(e => e.Value > 0).ToDictionary(e => e.Key, e => e.Value));

    /// <summary>Starts sending each leased delivery, without waiting for any.</summary>
    private void Dispatch(IReadOnlyList<DeliveryWork> leased, CancellationToken cancellationToken)
    {
        foreach (var work in leased)
        {
            _inFlight.AddOrUpdate(work.Endpoint, 1, (_, n) => n + 1);
            Interlocked.Increment(ref _inFlightTotal);
            _ = Send(work, cancellationToken);
        }
    }

    /// <summary>The tries that ended since the last round, at most a batch of them.</summary>
    private List<FinishedAttempt> TakeFinished()
    {
        var batch = new List<FinishedAttempt>();
        while (batch.Count < 2_000 && _finished.TryDequeue(out var finished))
        {
            batch.Add(finished);
        }
        return batch;
    }

    /// <summary>Reports recorded tries: failing endpoints to the log, every try and finished delivery to the metrics.</summary>
    private void Recorded(IReadOnlyList<FinishedAttempt> batch, IReadOnlyList<DeliveryEndpoint> failing)
    {
        foreach (var endpoint in failing)
        {
            logger.LogWarning("Delivery endpoint of provider {ProviderId} on {Channel} is failing: {Count} or more consecutive failed tries",
                endpoint.ProviderId, endpoint.Channel, options.Value.FailingAfterConsecutiveFailures);
        }
        foreach (var f in batch)
        {
            telemetry.Attempted(f.Work.Channel, f.Result.Outcome.ToString().ToLowerInvariant());
            if (f.Step.State != "pending")
            {
                var lag = f.Step.State == "delivered" ? f.StartedAt + f.Latency - new DateTimeOffset(DateTime.SpecifyKind(f.Work.AssignedAt, DateTimeKind.Utc)) : (TimeSpan?)null;
                telemetry.Finished(f.Work.Channel, f.Step.State, lag);
            }
        }
    }

    private async Task Send(DeliveryWork work, CancellationToken cancellationToken)
    {
        try
        {
            var startedAt = clock.GetUtcNow();
            AttemptResult result;
            if (_channels.TryGetValue(work.Channel, out var channel))
            {
                result = await channel.Send(work, cancellationToken);
            }
            else
            {
                result = AttemptResult.Permanent($"no sender for channel {work.Channel}");
            }
            var endedAt = clock.GetUtcNow();
            var step = options.Value.RetryPolicy.After(result.Outcome, work.Attempt,
                new DateTimeOffset(DateTime.SpecifyKind(work.GiveUpAt, DateTimeKind.Utc)), endedAt, result.RetryAfter, Random.Shared.NextDouble());
            _finished.Enqueue(new FinishedAttempt(work, startedAt, endedAt - startedAt, result, step));
            if (result.Outcome != AttemptOutcome.Accepted)
            {
                logger.LogInformation("Delivery {DeliveryId} ({Channel}) try {Attempt} failed: {Error}; now {State}",
                    work.DeliveryId, work.Channel, work.Attempt, result.Error, step.State);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The silo is stopping: nothing is recorded, the lease runs out and another silo sends it again.
        }
        catch (Exception error)
        {
            logger.LogError(error, "Sending delivery {DeliveryId} ({Channel}) failed unexpectedly", work.DeliveryId, work.Channel);
        }
        finally
        {
            _inFlight.AddOrUpdate(work.Endpoint, 0, (_, n) => n - 1);
            Interlocked.Decrement(ref _inFlightTotal);
        }
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        options.Value.Enabled
            ? Task.WhenAll(Loop("cursor", async token => (await StepCursor(token)).Full, stoppingToken), Loop("sending", async token => await SendDue(token) is { Room: > 0 } round && round.Claimed == round.Room, stoppingToken, observeSizes: true))
            : Task.CompletedTask;

    /// <summary>
    /// Runs a round every poll interval, or at once again while rounds find more work, so a backlog
    /// drains at the database's pace rather than the timer's. The cursor and the senders loop apart:
    /// neither waits for the other's round trips.
    /// </summary>
    private async Task Loop(string name, Func<CancellationToken, Task<bool>> round, CancellationToken token, bool observeSizes = false)
    {
        using var timer = new PeriodicTimer(options.Value.PollInterval);
        while (!token.IsCancellationRequested)
        {
            var busy = false;
            try
            {
                busy = await round(token);
                if (observeSizes && DateTime.UtcNow - _sizesObservedAt > SizesInterval)
                {
                    _sizesObservedAt = DateTime.UtcNow;
                    var (backlog, dead, failing) = await store.Sizes(token);
                    telemetry.Observed(backlog, dead, failing);
                }
            }
            catch (Exception error) when (!token.IsCancellationRequested)
            {
                // The silo may still be starting, or the database briefly away: the next round tries again.
                logger.LogWarning(error, "A delivery {Loop} round failed", name);
            }
            if (busy)
            {
                continue;
            }
            try
            {
                await timer.WaitForNextTickAsync(token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
