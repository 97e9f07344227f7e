using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using LeadGrains.Benchmark.Measuring;
using LeadGrains.Benchmark.Running;
using LeadGrains.Benchmark.Workload;
using LeadGrains.Data;

namespace LeadGrains.Benchmark.Reporting;

public sealed record LatencyMs(double P50, double P95, double P99, double Max, double Mean);

public sealed record DatabaseFigures(
    long TransactionsCommitted, long TransactionsRolledBack, double TransactionsPerDistribution,
    long TuplesInserted, long TuplesUpdated, double BackendCpuSeconds, int Backends,
    long ClusterWalRecords, long ClusterWalBytes, long ClusterWalSyncs,
    IReadOnlyList<BenchDatabase.StatementStats> TopStatements);

/// <summary>
/// One run's figures, printed for people and written as JSON for comparisons. <see cref="Concurrency"/>
/// is set for a closed-loop run, <see cref="OpenLoop"/> for an open-loop one.
/// </summary>
public sealed record BenchmarkReport(
    string Label, DateTimeOffset StartedAt, string Database, string Mode, int Silos,
    LeadWorkflow Workflow, int? Concurrency, OpenLoopFigures? OpenLoop,
    string Workload, bool HotNiche, int? SubscriptionsInLevel, string? ConnectionOptions, LoadSummary Load,
    int Leads, int Terminal, int Distributed, int NoEligible, int NotTerminal, int Errors, long Assignments,
    double Seconds, double LeadsPerSecond, double AssignmentsPerSecond, LatencyMs Latency,
    DatabaseFigures Postgres, IReadOnlyList<ProcessUsage> Processes, double AllocatedMibPerDistribution,
    double MachineBusyCpuSeconds, string LoadAverageBefore, string LoadAverageAfter,
    IReadOnlyDictionary<string, long> LeadStatuses, IReadOnlyList<InvariantViolation> InvariantViolations,
    IReadOnlyList<string> FirstErrors)
{
    public bool InvariantsHold => InvariantViolations.Count == 0;

    /// <summary>
    /// CPU milliseconds one distribution costs in .NET (benchmark + silos) and in PostgreSQL's backends;
    /// unlike throughput, these hardly move when other work shares the machine.
    /// </summary>
    public double DotnetCpuMsPerDistribution => Math.Round(Processes.Sum(p => p.CpuSeconds) * 1000 / Math.Max(1, Terminal), 2);

    public double PostgresCpuMsPerDistribution => Math.Round(Postgres.BackendCpuSeconds * 1000 / Math.Max(1, Terminal), 2);

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public string ToText()
    {
        var s = new StringBuilder();
        void Line(string text) => s.AppendLine(text);
        string F(double v, string format = "F1") => v.ToString(format, CultureInfo.InvariantCulture);
        var pace = OpenLoop is { } open ? $"open loop at {F(open.TargetRate)} leads/s" : $"concurrency {Concurrency}";
        Line($"== LeadGrains benchmark {Label} ({Workflow.Describe()}; {Mode}, {Silos} silo process(es), {pace}) ==");
        Line($"workload   {Workload}{(HotNiche ? ", all leads in one hot niche" : "")}{(SubscriptionsInLevel is { } position ? $", every subscription in level {position}" : "")}");
        if (ConnectionOptions is not null)
        {
            Line($"npgsql     extra connection settings: {ConnectionOptions}");
        }
        Line($"loaded     {Load.Niches} niches, {Load.Levels} levels, {Load.Providers} providers, {Load.Subscriptions} subscriptions, {Load.Leads} leads in {F(Load.Seconds)} s");
        Line($"leads      {Leads} driven: {Terminal} terminal ({Distributed} distributed, {NoEligible} no_eligible), {NotTerminal} not terminal, {Errors} errors");
        Line($"throughput {F(LeadsPerSecond)} leads/s to a terminal status, {F(AssignmentsPerSecond)} assignments/s ({Assignments} assignments in {F(Seconds, "F2")} s)");
        if (OpenLoop is { } o)
        {
            Line($"schedule   {F(o.StartRate)} leads/s started of {F(o.TargetRate)} asked; {o.StartedLate} started over {OpenLoopDriver.LateAfter.TotalMilliseconds:F0} ms late " +
                 $"(worst {F(o.MaxStartLagMs)} ms), {o.HeldByCap} held by the cap of {OpenLoopDriver.MaxOutstanding} in flight, peak {o.PeakOutstanding} in flight");
        }
        var timedFrom = (OpenLoop is null ? "" : "intended start, ") + (Workflow == LeadWorkflow.DistributeOnly ? "distribute" : "approve");
        Line($"latency    {timedFrom} -> terminal: p50 {F(Latency.P50)} ms, p95 {F(Latency.P95)} ms, p99 {F(Latency.P99)} ms, max {F(Latency.Max)} ms, mean {F(Latency.Mean)} ms");
        Line($"postgres   {Postgres.TransactionsCommitted} commits ({F(Postgres.TransactionsPerDistribution, "F2")} per distribution), {Postgres.TransactionsRolledBack} rollbacks, " +
             $"{Postgres.TuplesInserted} rows inserted, {Postgres.TuplesUpdated} updated; backend CPU {F(Postgres.BackendCpuSeconds)} s over {Postgres.Backends} connections");
        Line($"wal        (whole server) {Postgres.ClusterWalRecords} records, {Postgres.ClusterWalBytes / 1048576.0:F1} MiB, {Postgres.ClusterWalSyncs} syncs ({F((double)Postgres.ClusterWalSyncs / Math.Max(1, Terminal), "F2")} per distribution)");
        foreach (var p in Processes)
        {
            Line($"process    {p.Role} (pid {p.Pid}): peak RSS {F(p.PeakRssMib)} MiB, CPU {F(p.CpuSeconds, "F2")} s");
        }
        Line($"cpu/dist   {F(DotnetCpuMsPerDistribution, "F2")} ms .NET + {F(PostgresCpuMsPerDistribution, "F2")} ms PostgreSQL backends " +
             $"(a {Environment.ProcessorCount}-core ceiling of {F(Environment.ProcessorCount * 1000 / Math.Max(0.001, DotnetCpuMsPerDistribution + PostgresCpuMsPerDistribution), "F0")} distributions/s)");
        Line($"alloc      {F(AllocatedMibPerDistribution, "F3")} MiB managed allocations per distribution in the benchmark process");
        Line($"machine    busy {F(MachineBusyCpuSeconds)} CPU-s of {F(Seconds * Environment.ProcessorCount)} available; loadavg before [{LoadAverageBefore}] after [{LoadAverageAfter}]");
        Line($"statuses   {string.Join(", ", LeadStatuses.Select(kv => $"{kv.Key} {kv.Value}"))}");
        Line("top statements (pg_stat_statements, nested statements of functions included):");
        foreach (var st in Postgres.TopStatements)
        {
            Line($"  {(st.Toplevel ? "top" : "nested"),-6} calls {st.Calls,8} total {F(st.TotalMs, "F0"),8} ms mean {F(st.MeanMs, "F3"),7} ms  {st.Query}");
        }
        foreach (var e in FirstErrors)
        {
            Line($"error      {e}");
        }
        Line(InvariantsHold
            ? "invariants I1-I4 hold"
            : $"INVARIANTS BROKEN: {InvariantViolations.Count} violation(s), e.g. {string.Join("; ", InvariantViolations.Take(5))}");
        return s.ToString();
    }
}
