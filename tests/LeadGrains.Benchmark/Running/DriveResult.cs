using HdrHistogram;

namespace LeadGrains.Benchmark.Running;

/// <summary>What the callers saw.</summary>
public sealed record DriveResult(
    int Leads, int Terminal, int Distributed, int NoEligible, int NotTerminal, int Errors, long Assignments,
    double Seconds, LongHistogram LatencyMicros, IReadOnlyList<string> FirstErrors, OpenLoopFigures? OpenLoop);

/// <summary>
/// How well an open-loop drive kept its schedule. A lead started late still counts its latency from
/// its intended start; these say how far the offered load fell short of the one asked for.
/// </summary>
/// <param name="TargetRate">leads per second asked for</param>
/// <param name="StartRate">leads per second actually started (equals the target when every lead started on time)</param>
/// <param name="StartedLate">leads started more than <see cref="OpenLoopDriver.LateAfter"/> after their intended time</param>
/// <param name="HeldByCap">leads that waited for one of the <see cref="OpenLoopDriver.MaxOutstanding"/> call slots</param>
/// <param name="MaxStartLagMs">the latest start behind schedule</param>
/// <param name="PeakOutstanding">most calls in flight at once</param>
public sealed record OpenLoopFigures(double TargetRate, double StartRate, int StartedLate, int HeldByCap, double MaxStartLagMs, int PeakOutstanding);
