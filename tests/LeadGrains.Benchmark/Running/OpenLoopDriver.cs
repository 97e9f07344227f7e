using System.Diagnostics;

namespace LeadGrains.Benchmark.Running;

/// <summary>
/// Starts lead i at t0 + i/R whatever the completions (an open system: leads arrive from outside at
/// their own pace), and times each lead from its intended start, so a stall counts against every lead
/// scheduled behind it instead of quietly delaying their starts (no coordinated omission). At most
/// <see cref="MaxOutstanding"/> calls are in flight, so an overloaded cluster is not buried under an
/// ever-growing pile of calls; the leads that had to wait for a slot are counted.
/// </summary>
public static class OpenLoopDriver
{
    public const int MaxOutstanding = 10_000;

    /// <summary>Timers on Linux fire about a millisecond late; a start later than this is the schedule slipping.</summary>
    public static readonly TimeSpan LateAfter = TimeSpan.FromMilliseconds(10);

    public static async Task<DriveResult> Run(IGrainFactory grains, IReadOnlyList<Guid> leadIds, IReadOnlyDictionary<Guid, Guid> nicheOf, LeadWorkflow workflow, double rate, TextWriter progress)
    {
        var calls = new LeadCalls(grains, workflow, nicheOf);
        using var slots = new SemaphoreSlim(MaxOutstanding);
        var running = new List<Task>(leadIds.Count);
        var outstanding = 0;
        var peakOutstanding = 0;
        var startedLate = 0;
        var heldByCap = 0;
        var maxLag = TimeSpan.Zero;
        var ticksPerLead = Stopwatch.Frequency / rate;

        using var stop = new CancellationTokenSource();
        var reporter = ProgressReporter.Run(calls, leadIds.Count, progress, stop.Token);
        var t0 = Stopwatch.GetTimestamp();
        var startedAt = DateTimeOffset.UtcNow;   // to match a slow second with the server's log
        var lastStart = t0;
        for (var i = 0; i < leadIds.Count; i++)
        {
            var intended = t0 + (long)(i * ticksPerLead);
            var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), intended);
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait);
            }
            if (!slots.Wait(0))
            {
                heldByCap++;
                await slots.WaitAsync();
            }
            lastStart = Stopwatch.GetTimestamp();
            var lag = Stopwatch.GetElapsedTime(intended, lastStart);
            startedLate += lag > LateAfter ? 1 : 0;
            maxLag = lag > maxLag ? lag : maxLag;
            peakOutstanding = Math.Max(peakOutstanding, Interlocked.Increment(ref outstanding));
            var leadId = leadIds[i];
            running.Add(Task.Run(async () =>
            {
                try
                {
                    await calls.Drive(leadId, intended);
                }
                finally
                {
                    Interlocked.Decrement(ref outstanding);
                    slots.Release();
                }
            }));
        }
        await Task.WhenAll(running);
        var seconds = Stopwatch.GetElapsedTime(t0).TotalSeconds;
        await stop.CancelAsync();
        await reporter;
        progress.WriteLine($"[bench] slowest seconds (second of the run, which started at {startedAt:HH:mm:ss.fff} UTC, the leads started in: worst latency): " +
            string.Join(", ", calls.WorstSeconds(5).Select(s => $"{s.Second} s: {s.WorstMs:F0} ms")));

        // The schedule puts N leads in N/R seconds (the last one 1/R before the end), so a run that kept it reports exactly R.
        var startRate = leadIds.Count / (Stopwatch.GetElapsedTime(t0, lastStart).TotalSeconds + 1 / rate);
        return calls.Result(leadIds.Count, seconds, new OpenLoopFigures(
            rate, Math.Round(startRate, 1), startedLate, heldByCap, Math.Round(maxLag.TotalMilliseconds, 2), peakOutstanding));
    }
}
