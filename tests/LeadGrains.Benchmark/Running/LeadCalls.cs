using System.Diagnostics;
using HdrHistogram;
using LeadGrains.Abstractions.Leads;

namespace LeadGrains.Benchmark.Running;

/// <summary>
/// Drives single leads through the grain interfaces, as the approval service would, and tallies
/// what came back. Both drivers share one instance across all their concurrent calls, so the
/// counters are updated atomically and the histogram under a lock (a few thousand records a second
/// at most: the lock costs nothing measurable).
/// </summary>
/// <param name="nicheOf">Each lead's niche, named to the cluster with each call (<see cref="NicheHint"/>), as the approval service does.</param>
public sealed class LeadCalls(IGrainFactory grains, LeadWorkflow workflow, IReadOnlyDictionary<Guid, Guid> nicheOf)
{
    private const string Actor = "benchmark";

    // An overloaded open-loop run queues leads for minutes; longer latencies are clamped, not lost.
    private readonly LongHistogram _latencyMicros = new(TimeSpan.FromHours(1).Ticks / 10, 3);
    private readonly List<string> _firstErrors = [];
    private readonly Dictionary<long, long> _worstMicrosBySecond = [];   // second of the run a lead started in -> its slowest latency
    private readonly long _origin = Stopwatch.GetTimestamp();
    private int _terminal;
    private int _distributed;
    private int _noEligible;
    private int _notTerminal;
    private int _errors;
    private long _assignments;

    public int Done => Volatile.Read(ref _terminal) + Volatile.Read(ref _notTerminal) + Volatile.Read(ref _errors);

    public int Errors => Volatile.Read(ref _errors);

    /// <summary>Drives one lead; its latency runs from <paramref name="startedAt"/> (a <see cref="Stopwatch"/> timestamp) to the distribute call's return.</summary>
    public async Task Drive(Guid leadId, long startedAt)
    {
        var lead = grains.GetGrain<ILeadGrain>(leadId);
        using var nearItsNiche = NicheHint.For(nicheOf[leadId]);
        try
        {
            if (workflow == LeadWorkflow.ApproveAndDistribute)
            {
                var approved = await lead.Approve(Actor);
                if (approved.Outcome != LeadCommandOutcome.Done)
                {
                    throw new InvalidOperationException($"approve answered {approved.Outcome} ({approved.Status})");
                }
            }
            var result = await lead.Distribute(Actor);
            Record(startedAt, Stopwatch.GetElapsedTime(startedAt));
            switch (result.Status)
            {
                case LeadStatus.Distributed:
                    Interlocked.Increment(ref _terminal);
                    Interlocked.Increment(ref _distributed);
                    break;
                case LeadStatus.NoEligible:
                    Interlocked.Increment(ref _terminal);
                    Interlocked.Increment(ref _noEligible);
                    break;
                default:
                    Interlocked.Increment(ref _notTerminal);
                    break;
            }
            Interlocked.Add(ref _assignments, result.Result?.Assignments.Count ?? 0);
        }
        catch (Exception error)
        {
            Interlocked.Increment(ref _errors);
            lock (_firstErrors)
            {
                if (_firstErrors.Count < 5)
                {
                    _firstErrors.Add($"lead {leadId}: {error.GetType().Name}: {error.Message}");
                }
            }
        }
    }

    public DriveResult Result(int leads, double seconds, OpenLoopFigures? openLoop) =>
        new(leads, _terminal, _distributed, _noEligible, _notTerminal, _errors, _assignments, seconds, _latencyMicros, _firstErrors, openLoop);

    /// <summary>The seconds of the run whose leads waited longest, worst first: where a latency tail came from.</summary>
    public IReadOnlyList<(long Second, double WorstMs)> WorstSeconds(int count)
    {
        lock (_latencyMicros)
        {
            return [.. _worstMicrosBySecond.OrderByDescending(s => s.Value).Take(count).Select(s => (s.Key, s.Value / 1000.0))];
        }
    }

    private void Record(long startedAt, TimeSpan latency)
    {
        var micros = Math.Min((long)latency.TotalMicroseconds, _latencyMicros.HighestTrackableValue);
        var second = Math.Max(0, (startedAt - _origin) / Stopwatch.Frequency);
        lock (_latencyMicros)
        {
            _latencyMicros.RecordValue(micros);
            _worstMicrosBySecond[second] = Math.Max(micros, _worstMicrosBySecond.GetValueOrDefault(second));
        }
    }
}
