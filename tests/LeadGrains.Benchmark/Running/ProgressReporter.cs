using System.Diagnostics;

namespace LeadGrains.Benchmark.Running;

/// <summary>Prints every 10 s how far a drive got, so a long run shows that it is alive and how fast it goes.</summary>
public static class ProgressReporter
{
    public static async Task Run(LeadCalls calls, int total, TextWriter progress, CancellationToken stop)
    {
        var clock = Stopwatch.StartNew();
        var last = 0;
        var lastAt = clock.Elapsed;
        try
        {
            while (true)
            {
                await Task.Delay(TimeSpan.FromSeconds(10), stop);
                var done = calls.Done;
                var now = clock.Elapsed;
                progress.WriteLine($"[bench] {done}/{total} leads, {(done - last) / (now - lastAt).TotalSeconds:F0}/s over the last {(now - lastAt).TotalSeconds:F0} s, errors {calls.Errors}");
                (last, lastAt) = (done, now);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
