using System.Diagnostics;
using HdrHistogram;
using LeadGrains.Benchmark.Cluster;
using LeadGrains.Benchmark.Measuring;
using LeadGrains.Benchmark.Reporting;
using LeadGrains.Benchmark.Routing;
using LeadGrains.Benchmark.Running;
using LeadGrains.Benchmark.Workload;
using LeadGrains.Data;

namespace LeadGrains.Benchmark;

/// <summary>
/// The benchmark: load a workload into a fresh database, approve and distribute its leads (or
/// only distribute them, loaded approved) through the grain interfaces, closed or open loop, and
/// report throughput, latency, PostgreSQL transactions, process resources and the invariants. Exit code 1: an invariant broke; 3: some lead did not end terminal.
/// <c>generate</c> writes a workload instead (<see cref="GenerateCommand"/>); <c>routing</c> measures partner routing (<see cref="RoutingBenchmark"/>).
/// </summary>
public static class BenchmarkProgram
{
    public static async Task<int> Main(string[] args)
    {
        if (args is ["generate", .. var generateArgs])
        {
            return GenerateCommand.Run(generateArgs);
        }
        if (args is ["routing", .. var routingArgs])
        {
            return await RoutingBenchmark.Run(routingArgs);
        }
        BenchmarkOptions options;
        try
        {
            options = BenchmarkOptions.Parse(args);
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine(e.Message);
            Console.Error.WriteLine(BenchmarkOptions.Usage);
            return 2;
        }

        var startedAt = DateTimeOffset.UtcNow;
        var workload = WorkloadFiles.Read(options.Workload, options.Leads);
        Console.WriteLine($"[bench] read {options.Workload}: {workload.Niches.Count} niches, {workload.Subscriptions.Count} subscriptions, {workload.Leads.Count} leads to drive");

        var database = await BenchDatabase.Create(options.AdminConnection, options.AppConnection);
        Console.WriteLine($"[bench] database {database.Name} migrated");
        try
        {
            await using var db = LeadGrainsDataSource.Create(database.ConnectionString);
            var load = await BulkLoader.Load(db, workload, options.HotNiche, options.SubscriptionsInLevel, options.DistributeOnly);
            if (options.Caps)
            {
                await BuyerControlsLoader.Apply(db);
                Console.WriteLine("[bench] caps, budgets and delivery hours on every subscription (none binding)");
            }
            Console.WriteLine($"[bench] loaded in {load.Seconds:F1} s; starting the cluster ({(options.Silos == 0 ? "co-hosted silo" : $"{options.Silos} silo processes")})");

            var logDirectory = Path.Combine(Path.GetTempPath(), database.Name);
            var report = await Measure(options, database, workload, load, startedAt, logDirectory);

            Console.WriteLine();
            Console.Write(report.ToText());
            if (options.JsonFile is { } file)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(file))!);
                await File.WriteAllTextAsync(file, report.ToJson());
                Console.WriteLine($"[bench] wrote {file}");
            }
            return !report.InvariantsHold ? 1 : report.Terminal < report.Leads ? 3 : 0;
        }
        finally
        {
            if (options.KeepDatabase)
            {
                Console.WriteLine($"[bench] kept database {database.Name}");
            }
            else
            {
                await database.Drop();
            }
        }
    }

    private static async Task<BenchmarkReport> Measure(
        BenchmarkOptions options, BenchDatabase database, WorkloadFiles workload, LoadSummary load, DateTimeOffset startedAt, string logDirectory)
    {
        await using var sink = options.Delivery ? await WebhookSink.Start() : null;
        await using var db = LeadGrainsDataSource.Create(database.ConnectionString);
        // The silos open with it the webhook secrets the run stores.
        var webhookSecretsKey = BenchCluster.NewWebhookSecretsKey();
        if (sink is not null)
        {
            await DeliveryFigures.RouteEveryProviderTo(db, sink.Url, webhookSecretsKey);
        }
        await using var cluster = await BenchCluster.Start(database, options.ConnectionOptions, options.Silos, options.SiloDll, logDirectory, sink?.Url,
            webhookSecretsKey);
        var pace = options.Rate is { } r ? $"open loop at {r} leads/s" : $"{options.Concurrency} callers";
        Console.WriteLine($"[bench] cluster up; driving {workload.Leads.Count} leads ({options.Workflow.Describe()}) with {pace}");

        var leadIds = workload.Leads.Select(l => l.Id).ToList();
        var nicheOf = workload.Leads.ToDictionary(l => l.Id, l => l.NicheId);
        if (options.Warmup > 0)
        {
            var warmup = Math.Min(options.Warmup, leadIds.Count);
            Console.WriteLine($"[bench] warming up on the first {warmup} leads (not measured)");
            await ClosedLoopDriver.Run(cluster.Grains, leadIds[..warmup], nicheOf, options.Workflow, options.Concurrency, TextWriter.Null);
            leadIds = leadIds[warmup..];
        }

        await database.ResetStatements();
        var before = await database.ReadCounters();
        var (_, backendCpuBefore) = await database.BackendCpu();
        var silosBefore = cluster.SiloUsage();
        var self = Process.GetCurrentProcess();
        var cpuBefore = self.TotalProcessorTime;
        var allocatedBefore = GC.GetTotalAllocatedBytes();
        var machineBefore = MachineCpu.Read();
        var loadBefore = MachineCpu.LoadAverage();

        var drive = options.Rate is { } rate
            ? await OpenLoopDriver.Run(cluster.Grains, leadIds, nicheOf, options.Workflow, rate, Console.Out)
            : await ClosedLoopDriver.Run(cluster.Grains, leadIds, nicheOf, options.Workflow, options.Concurrency, Console.Out);

        var driveEndedAt = DateTime.UtcNow;
        var machineBusy = MachineCpu.Read().BusySecondsSince(machineBefore);
        var loadAfter = MachineCpu.LoadAverage();
        var allocated = GC.GetTotalAllocatedBytes() - allocatedBefore;
        self.Refresh();
        var benchUsage = ProcessUsage.Read(Environment.ProcessId, options.Silos == 0 ? "benchmark + co-hosted silo" : "benchmark (Orleans client)")!
            with { CpuSeconds = Math.Round((self.TotalProcessorTime - cpuBefore).TotalSeconds, 2) };
        // CPU of the measured part only (not start-up and JIT); peak RSS is the process's whole life.
        var silos = cluster.SiloUsage()
            .Select(silo => silo with { CpuSeconds = Math.Round(silo.CpuSeconds - (silosBefore.FirstOrDefault(b => b.Pid == silo.Pid)?.CpuSeconds ?? 0), 2) })
            .ToList();
        var after = await database.ReadCounters();
        var (backends, backendCpuAfter) = await database.BackendCpu();
        var statements = await database.TopStatements(15);
        if (sink is not null)
        {
            var delivery = await DeliveryFigures.Read(db, driveEndedAt, drive.Seconds, TimeSpan.FromMinutes(2), () => sink.Received);
            Console.WriteLine();
            Console.Write(delivery.ToText());
        }
        var violations = await InvariantChecker.Check(db);
        var statuses = await database.LeadStatusCounts();

        var h = drive.LatencyMicros;
        double Ms(long micros) => Math.Round(micros / 1000.0, 2);
        var commits = after.XactCommit - before.XactCommit;
        return new BenchmarkReport(
            options.Label, startedAt, database.Name, options.Silos == 0 ? "cohosted" : "client", options.Silos,
            options.Workflow, options.Rate is null ? options.Concurrency : null, drive.OpenLoop,
            Path.GetFullPath(options.Workload), options.HotNiche, options.SubscriptionsInLevel, options.ConnectionOptions, load,
            drive.Leads, drive.Terminal, drive.Distributed, drive.NoEligible, drive.NotTerminal, drive.Errors, drive.Assignments,
            Math.Round(drive.Seconds, 3), Math.Round(drive.Terminal / drive.Seconds, 1), Math.Round(drive.Assignments / drive.Seconds, 1),
            new LatencyMs(Ms(h.GetValueAtPercentile(50)), Ms(h.GetValueAtPercentile(95)), Ms(h.GetValueAtPercentile(99)), Ms(h.GetMaxValue()),
                          Math.Round(h.GetMean() / 1000.0, 2)),
            new DatabaseFigures(commits, after.XactRollback - before.XactRollback, Math.Round((double)commits / Math.Max(1, drive.Leads), 2),
                after.TupInserted - before.TupInserted, after.TupUpdated - before.TupUpdated,
                Math.Round(backendCpuAfter - backendCpuBefore, 2), backends,
                after.WalRecords - before.WalRecords, after.WalBytes - before.WalBytes, after.WalSync - before.WalSync, statements),
            [benchUsage, .. silos], Math.Round(allocated / 1048576.0 / Math.Max(1, drive.Leads), 4),
            Math.Round(machineBusy, 1), loadBefore, loadAfter, statuses, violations, drive.FirstErrors);
    }
}
