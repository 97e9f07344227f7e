using System.Diagnostics;

namespace LeadGrains.Benchmark.Running;

/// <summary>
/// C concurrent callers, each taking the next lead as soon as its previous one returned (a closed
/// system: a slower cluster is offered less load). Each lead is timed from its first call.
/// </summary>
public static class ClosedLoopDriver
{
    public static async Task<DriveResult> Run(IGrainFactory grains, IReadOnlyList<Guid> leadIds, IReadOnlyDictionary<Guid, Guid> nicheOf, LeadWorkflow workflow, int concurrency, TextWriter progress)
    {
        var calls = new LeadCalls(grains, workflow, nicheOf);
        var next = -1;
        var clock = Stopwatch.StartNew();

        async Task Caller()
        {
            int index;
            while ((index = Interlocked.Increment(ref next)) < leadIds.Count)
            {
                await calls.Drive(leadIds[index], Stopwatch.GetTimestamp());
            }
        }

        using var stop = new CancellationTokenSource();
        var reporter = ProgressReporter.Run(calls, leadIds.Count, progress, stop.Token);
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(Caller)));
        var seconds = clock.Elapsed.TotalSeconds;
        await stop.CancelAsync();
        await reporter;
        return calls.Result(leadIds.Count, seconds, null);
    }
}
