using System.Diagnostics;
using Dapper;
using HdrHistogram;
using LeadGrains.Abstractions.Routing;
using LeadGrains.Benchmark.Cluster;
using LeadGrains.Benchmark.Measuring;
using LeadGrains.Data;
using LeadGrains.Domain.Leads;

namespace LeadGrains.Benchmark.Routing;

/// <summary>
/// <c>routing</c>: the cost per lead of 20 vs 2,000 rules (the rule book alone), then a generated
/// routing workload submitted through the routing grains of a co-hosted silo on a fresh database:
/// throughput, latency of a submission (from the call to its answer, routed or not), rules evaluated
/// per second, and that every submission was routed exactly once.
/// </summary>
public static class RoutingBenchmark
{
    public const string Usage = """
        LeadGrains.Benchmark routing [--leads N (10000)] [--sources N (20)] [--rules N (200)] [--destinations N (10)] [--concurrency N (64)]
                                     [--admin-connection CS] [--app-connection CS]
        """;

    public static async Task<int> Run(string[] args)
    {
        var leads = Int(args, "--leads", 10_000);
        var sources = Int(args, "--sources", 20);
        var rules = Int(args, "--rules", 200);
        var destinations = Int(args, "--destinations", 10);
        var concurrency = Int(args, "--concurrency", 64);
        var defaults = new BenchmarkOptions();
        var admin = Text(args, "--admin-connection") ?? defaults.AdminConnection;
        var app = Text(args, "--app-connection") ?? defaults.AppConnection;

        Console.WriteLine("[routing] rule book alone, 20,000 leads each:");
        foreach (var count in new[] { 20, 200, 2_000 })
        {
            Console.WriteLine("  " + RuleEvaluationCost.Measure(count, 20_000));
        }

        var workload = RoutingWorkload.Generate(leads, sources, rules, destinations);
        var database = await BenchDatabase.Create(admin, app);
        try
        {
            await Load(database, workload);
            Console.WriteLine($"[routing] {leads} leads from {sources} sources, {rules} rules, {destinations} destinations; {concurrency} callers");
            await using var cluster = await BenchCluster.Start(database, null, 0, null, Path.Combine(Path.GetTempPath(), database.Name), null,
                BenchCluster.NewWebhookSecretsKey());
            var latency = new LongHistogram(TimeStamp.Hours(1), 3);
            var outcomes = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();
            var next = -1;
            var started = Stopwatch.GetTimestamp();
            await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
            {
                int i;
                while ((i = Interlocked.Increment(ref next)) < workload.Leads.Count)
                {
                    var request = workload.Leads[i];
                    var id = LeadIds.ForRoutingSubmission(request.Source.Kind, request.Source.Id, request.SourceReference);
                    var callStarted = Stopwatch.GetTimestamp();
                    var view = await cluster.Grains.GetGrain<IRoutingGrain>(id).Submit(request);
                    var elapsed = Stopwatch.GetElapsedTime(callStarted);
                    lock (latency)
                    {
                        latency.RecordValue(elapsed.Ticks / 10);
                    }
                    outcomes.AddOrUpdate(view.Status, 1, (_, n) => n + 1);
                }
            }));
            var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            await using var db = LeadGrainsDataSource.Create(database.ConnectionString);
            await using var connection = await db.OpenConnectionAsync();
            var evaluated = await connection.QuerySingleAsync<long>("SELECT coalesce(sum(rules_evaluated), 0) FROM routing_log");
            var leadsMade = await connection.QuerySingleAsync<long>("SELECT count(*) FROM leads");
            var routedWithLead = await connection.QuerySingleAsync<long>("SELECT count(*) FROM routing_submissions WHERE lead_id IS NOT NULL");
            Console.WriteLine($"[routing] {leads / seconds:N0} leads/s over {seconds:F1} s; latency µs p50 {latency.GetValueAtPercentile(50)}, p95 {latency.GetValueAtPercentile(95)}, "
                + $"p99 {latency.GetValueAtPercentile(99)}, max {latency.GetMaxValue()}");
            Console.WriteLine($"[routing] rules evaluated {evaluated:N0} ({evaluated / seconds:N0}/s); outcomes {string.Join(", ", outcomes.OrderBy(o => o.Key).Select(o => $"{o.Key} {o.Value}"))}");
            Console.WriteLine($"[routing] leads made {leadsMade}, submissions with a lead {routedWithLead}: {(leadsMade == routedWithLead ? "one lead per routed submission" : "MISMATCH")}");
            return leadsMade == routedWithLead ? 0 : 1;
        }
        finally
        {
            await database.Drop();
        }
    }

    private static async Task Load(BenchDatabase database, RoutingWorkload workload)
    {
        await using var db = LeadGrainsDataSource.Create(database.ConnectionString);
        await using var connection = await db.OpenConnectionAsync();
        foreach (var (workspace, niche) in workload.Destinations)
        {
            await connection.ExecuteAsync("INSERT INTO workspaces (id, name) VALUES (@workspace, 'destination ' || @workspace)", new { workspace });
            await connection.ExecuteAsync("INSERT INTO niches (id, workspace_id, name) VALUES (@niche, @workspace, 'routed')", new { niche, workspace });
        }
        foreach (var rule in workload.Rules)
        {
            await connection.ExecuteAsync("""
                INSERT INTO routing_rules (id, name, condition, priority, destination_workspace_id, destination_niche_id, enabled, created_at, updated_at)
                VALUES (@Id, 'rule ' || @Priority, @Condition, @Priority, @Workspace, @Niche, true, now(), now())
                """, new { rule.Id, rule.Condition, rule.Priority, rule.Workspace, rule.Niche });
        }
    }

    private static int Int(string[] args, string name, int fallback) => Text(args, name) is { } value ? int.Parse(value, System.Globalization.CultureInfo.InvariantCulture) : fallback;

    private static string? Text(string[] args, string name)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
    }
}
