using System.Diagnostics;
using HdrHistogram;
using LeadGrains.Abstractions.Leads;

namespace LeadGrains.Benchmark.Running;

/// <summary>What the callers saw.</summary>
public sealed record DriveResult(
    int Leads, int Terminal, int Distributed, int NoEligible, int NotTerminal, int Errors, long Assignments,
    double Seconds, LongHistogram LatencyMicros, IReadOnlyList<string> FirstErrors);

/// <summary>
/// Approves and distributes leads through the grain interfaces with C concurrent callers, as the
/// approval service would: <c>Approve</c>, then <c>Distribute</c>, timing each lead from the
/// approve call to the distribute call's return.
/// </summary>
public static class LoadDriver
{
    private const string Actor = "benchmark";

    public static async Task<DriveResult> Run(IGrainFactory grains, IReadOnlyList<Guid> leadIds, int concurrency, TextWriter progress)
    {
        var next = -1;
        var terminal = 0;
        var distributed = 0;
        var noEligible = 0;
        var notTerminal = 0;
        var errors = 0;
        long assignments = 0;
        var firstErrors = new List<string>();
        var histograms = new List<LongHistogram>();
        var clock = Stopwatch.StartNew();

        async Task Caller()
        {
            var histogram = new LongHistogram(TimeSpan.FromMinutes(5).Ticks / 10, 3); // microseconds
            lock (histograms)
            {
                histograms.Add(histogram);
            }
            int index;
            while ((index = Interlocked.Increment(ref next)) < leadIds.Count)
            {
                var lead = grains.GetGrain<ILeadGrain>(leadIds[index]);
                var started = Stopwatch.GetTimestamp();
                try
                {
                    var approved = await lead.Approve(Actor);
                    if (approved.Outcome != LeadCommandOutcome.Done)
                    {
                        throw new InvalidOperationException($"approve answered {approved.Outcome} ({approved.Status})");
                    }
                    var result = await lead.Distribute(Actor);
                    histogram.RecordValue((long)Stopwatch.GetElapsedTime(started).TotalMicroseconds);
                    switch (result.Status)
                    {
                        case LeadStatus.Distributed:
                            Interlocked.Increment(ref terminal);
                            Interlocked.Increment(ref distributed);
                            break;
                        case LeadStatus.NoEligible:
                            Interlocked.Increment(ref terminal);
                            Interlocked.Increment(ref noEligible);
                            break;
                        default:
                            Interlocked.Increment(ref notTerminal);
                            break;
                    }
                    Interlocked.Add(ref assignments, result.Result?.Assignments.Count ?? 0);
                }
                catch (Exception error)
                {
                    Interlocked.Increment(ref errors);
                    lock (firstErrors)
                    {
                        if (firstErrors.Count < 5)
                        {
                            firstErrors.Add($"lead {leadIds[index]}: {error.GetType().Name}: {error.Message}");
                        }
                    }
                }
            }
        }

        using var stop = new CancellationTokenSource();
        var reporter = Task.Run(async () =>
        {
            var last = 0;
            var lastAt = clock.Elapsed;
            try
            {
                while (true)
                {
                    await Task.Delay(TimeSpan.FromSeconds(10), stop.Token);
                    var done = Volatile.Read(ref terminal) + Volatile.Read(ref errors) + Volatile.Read(ref notTerminal);
                    var now = clock.Elapsed;
                    progress.WriteLine($"[bench] {done}/{leadIds.Count} leads, {(done - last) / (now - lastAt).TotalSeconds:F0}/s over the last {(now - lastAt).TotalSeconds:F0} s, errors {Volatile.Read(ref errors)}");
                    (last, lastAt) = (done, now);
                }
            }
            catch (OperationCanceledException)
            {
            }
        });

        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(Caller)));
        var seconds = clock.Elapsed.TotalSeconds;
        await stop.CancelAsync();
        await reporter;

        var latency = new LongHistogram(TimeSpan.FromMinutes(5).Ticks / 10, 3);
        foreach (var histogram in histograms)
        {
            latency.Add(histogram);
        }
        return new DriveResult(leadIds.Count, terminal, distributed, noEligible, notTerminal, errors, assignments, seconds, latency, firstErrors);
    }
}
