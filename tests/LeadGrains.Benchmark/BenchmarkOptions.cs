using System.Globalization;
using LeadGrains.Benchmark.Running;

namespace LeadGrains.Benchmark;

/// <summary>The command line of the benchmark (see <see cref="Usage"/>).</summary>
public sealed record BenchmarkOptions
{
    public const string Usage = """
        LeadGrains.Benchmark --workload DIR [options]
        LeadGrains.Benchmark generate --out DIR [options]   (writes a workload; see generate --help)

          --workload DIR        a workload's CSVs as generate writes them (niches, levels, providers, subscriptions, leads)
          --leads N             drive the first N leads of leads.csv (default: all)
          --distribute-only     load the leads approved and only distribute them (as the seedsql baseline
                                does); default: load them pending, approve + distribute each
          --concurrency C       closed loop: C concurrent callers, each starting its next lead when the
                                last one returned (default 64)
          --warmup W            distribute the first W of the leads before measuring (closed loop, not
                                timed, not counted), so the figures are the warm cluster's: the run's
                                first seconds carry JIT, connection pool growth and first activations
          --rate R              open loop instead: lead i starts at t0 + i/R (R leads/s) whatever the
                                completions, at most 10,000 calls in flight; latency is timed from each
                                lead's intended start (corrected for coordinated omission)
          --silos N             0 = a silo co-hosted in this process (default); N >= 1 = N LeadGrains.Silo
                                processes, this process joins as an Orleans client
          --silo-dll PATH       LeadGrains.Silo.dll to start for --silos (bench.sh passes the Release build)
          --hot-niche           load every lead into the first niche of niches.csv (a single hot niche)
          --subscriptions-in-level P
                                load every subscription into its niche's level at order position P
                                (e.g. 20,000 subscriptions in one level)
          --connection-options "K=V;..."
                                extra Npgsql settings for the silos' connection string, to try a
                                data-access change without editing src (e.g. "No Reset On Close=true")
          --delivery            every provider takes its leads by webhook to a receiver in this process (e-mail
                                off) and delivery runs; reports deliveries/s, delivery lag p50/p95/p99 and the
                                backlog. Without it delivery is off, as before it existed.
          --caps                every subscription gets caps and budgets per day, week and month and delivery
                                hours all week, and every provider a time zone, none of them binding: the
                                run distributes as without them and shows what the buyers' controls cost
          --json FILE           also write the report as JSON
          --label TEXT          a name for the run in the report
          --keep-db             keep the benchmark database (default: dropped after the run)
          --admin-connection CS PostgreSQL admin connection string (default: $LEADGRAINS_PG_ADMIN)
          --app-connection CS   the application role the silos run as, without a database
                                (default: $LEADGRAINS_PG_APP)
        """;

    public string Workload { get; init; } = "";
    public int? Leads { get; init; }
    public bool DistributeOnly { get; init; }
    public int Concurrency { get; init; } = 64;
    public double? Rate { get; init; }
    public int Warmup { get; init; }
    public LeadWorkflow Workflow => DistributeOnly ? LeadWorkflow.DistributeOnly : LeadWorkflow.ApproveAndDistribute;
    public int Silos { get; init; }
    public string? SiloDll { get; init; }
    public bool HotNiche { get; init; }
    public int? SubscriptionsInLevel { get; init; }
    public string? ConnectionOptions { get; init; }
    public string? JsonFile { get; init; }
    public string Label { get; init; } = "";
    public bool KeepDatabase { get; init; }
    public bool Delivery { get; init; }
    public bool Caps { get; init; }
    public string AdminConnection { get; init; } =
        Environment.GetEnvironmentVariable("LEADGRAINS_PG_ADMIN") ?? "Host=127.0.0.1;Port=55432;Username=leadgrains;Password=leadgrains";

    public string AppConnection { get; init; } =
        Environment.GetEnvironmentVariable("LEADGRAINS_PG_APP") ?? "Host=127.0.0.1;Port=55432;Username=leadgrains_app;Password=leadgrains_app";

    public static BenchmarkOptions Parse(string[] args)
    {
        var options = new BenchmarkOptions();
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            int Positive() => int.TryParse(Value(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
                ? n : throw new ArgumentException($"{args[i - 1]} needs a positive integer");
            options = args[i] switch
            {
                "--workload" => options with { Workload = Value() },
                "--leads" => options with { Leads = Positive() },
                "--distribute-only" => options with { DistributeOnly = true },
                "--warmup" => options with { Warmup = Positive() },
                "--concurrency" => options with { Concurrency = Positive() },
                "--rate" => options with { Rate = double.TryParse(Value(), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var r) && r > 0
                    ? r : throw new ArgumentException("--rate needs a positive number of leads per second") },
                "--silos" => options with { Silos = int.TryParse(Value(), out var s) && s >= 0 ? s : throw new ArgumentException("--silos needs 0 or more") },
                "--silo-dll" => options with { SiloDll = Value() },
                "--hot-niche" => options with { HotNiche = true },
                "--subscriptions-in-level" => options with { SubscriptionsInLevel = Positive() },
                "--connection-options" => options with { ConnectionOptions = Value() },
                "--json" => options with { JsonFile = Value() },
                "--label" => options with { Label = Value() },
                "--keep-db" => options with { KeepDatabase = true },
                "--delivery" => options with { Delivery = true },
                "--caps" => options with { Caps = true },
                "--admin-connection" => options with { AdminConnection = Value() },
                "--app-connection" => options with { AppConnection = Value() },
                _ => throw new ArgumentException($"unknown argument {args[i]}"),
            };
        }
        if (options.Workload.Length == 0)
        {
            throw new ArgumentException("--workload DIR is required");
        }
        if (options.Rate is not null && args.Contains("--concurrency"))
        {
            throw new ArgumentException("--concurrency (closed loop) and --rate (open loop) exclude each other");
        }
        return options;
    }
}
