using System.Globalization;

namespace LeadGrains.Workload;

/// <summary>
/// What a generated workload holds. The defaults are the standard workload W1, the one every
/// benchmark figure in docs/PERFORMANCE.md was measured on: change them only through the command
/// line, never here.
/// </summary>
public sealed record WorkloadParameters
{
    public const string Usage = """
        LeadGrains.Benchmark generate --out DIR [options]   (defaults: the standard workload W1)

          --seed N                 the random stream; same arguments, same files (default 42)
          --workspaces N           niches are spread over N workspaces in turn (default 2)
          --niches N               each with the levels Exclusive, Shared and Budget (default 50)
          --providers N            (default 1000)
          --subs-per-provider N    subscriptions per provider, each in another niche (default 3)
          --states-per-sub N       US states a subscription accepts, of 50 (default 10)
          --poor-fraction F        share of providers funded for only a few leads (default 0.10)
          --leads N                (default 100000)
        """;

    /// <summary>The standard workload.</summary>
    public static WorkloadParameters W1 { get; } = new();

    public ulong Seed { get; init; } = 42;
    public int Workspaces { get; init; } = 2;
    public int Niches { get; init; } = 50;
    public int Providers { get; init; } = 1_000;
    public int SubscriptionsPerProvider { get; init; } = 3;
    public int StatesPerSubscription { get; init; } = 10;
    public double PoorFraction { get; init; } = 0.10;
    public int Leads { get; init; } = 100_000;

    /// <summary>The options of <see cref="Usage"/> but <c>--out</c>.</summary>
    public static WorkloadParameters Parse(IReadOnlyList<string> args)
    {
        var parameters = W1;
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            var value = i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{name} needs a value");
            int Count(int minimum) => int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= minimum
                ? n : throw new ArgumentException($"{name} needs an integer of at least {minimum}");
            parameters = name switch
            {
                "--seed" => parameters with { Seed = ulong.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var s)
                    ? s : throw new ArgumentException("--seed needs a non-negative integer") },
                "--workspaces" => parameters with { Workspaces = Count(1) },
                "--niches" => parameters with { Niches = Count(1) },
                "--providers" => parameters with { Providers = Count(0) },
                "--subs-per-provider" => parameters with { SubscriptionsPerProvider = Count(0) },
                "--states-per-sub" => parameters with { StatesPerSubscription = Count(1) },
                "--poor-fraction" => parameters with { PoorFraction = double.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var f) && f <= 1
                    ? f : throw new ArgumentException("--poor-fraction needs a number from 0 to 1") },
                "--leads" => parameters with { Leads = Count(0) },
                _ => throw new ArgumentException($"unknown argument {name}"),
            };
        }
        if (parameters.StatesPerSubscription > UsStates.All.Count)
        {
            throw new ArgumentException($"--states-per-sub cannot exceed the {UsStates.All.Count} states");
        }
        return parameters;
    }
}
