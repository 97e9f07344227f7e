using System.Text;

namespace LeadGrains.Workload;

/// <summary>
/// Writes a workload as the five CSV files the benchmark, the lead import and the plain-SQL baseline
/// kit load: niches.csv, levels.csv, providers.csv, subscriptions.csv and leads.csv, each with a
/// header row, comma-separated, never quoted (no value holds a comma or a quote), UTF-8, "\n" line
/// ends; ids are version-4 UUIDs, money is integer cents. Every random choice comes from one
/// <see cref="SplitMix64"/> stream in a fixed order, so the same parameters give byte-identical files.
/// </summary>
public static class WorkloadGenerator
{
    /// <summary>Every niche's levels, in order: name, max recipients, price in cents.</summary>
    private static readonly (string Name, int MaxRecipients, long PriceCents)[] Levels =
        [("Exclusive", 1, 4900), ("Shared", 3, 2000), ("Budget", 5, 1000)];

    /// <summary>A poor provider can pay for a few leads only, so distributions meet insufficient balances.</summary>
    private const long PoorBalanceCents = 3_000;
    private const long FundedBalanceCents = 1_000_000;

    private static readonly string[] FirstNames =
        ["Ava", "Ben", "Cleo", "Dan", "Eve", "Finn", "Gia", "Hal", "Ivy", "Jon", "Kai", "Lea", "Max", "Nia", "Oto", "Pia", "Quin", "Rex", "Sia", "Tom"];
    private static readonly string[] LastNames =
        ["Ames", "Bell", "Cruz", "Diaz", "Ebert", "Fox", "Gray", "Hale", "Ito", "Jain", "Kerr", "Lutz", "Mora", "Nash", "Ortiz", "Park", "Ruiz", "Shah"];

    private sealed record Niche(string Id, string WorkspaceId, List<string> LevelIds);

    public static WorkloadCounts Write(string directory, WorkloadParameters parameters)
    {
        Directory.CreateDirectory(directory);
        var random = new SplitMix64(parameters.Seed);

        var workspaces = Enumerable.Range(0, parameters.Workspaces).Select(_ => random.NextUuid()).ToList();
        var niches = new List<Niche>();
        using (var file = Csv(directory, "niches.csv", "niche_id,name,workspace_id"))
        {
            for (var i = 0; i < parameters.Niches; i++)
            {
                var niche = new Niche(random.NextUuid(), workspaces[i % workspaces.Count], []);
                niches.Add(niche);
                file.Write($"{niche.Id},niche-{i:D3},{niche.WorkspaceId}\n");
            }
        }

        using (var file = Csv(directory, "levels.csv", "level_id,niche_id,name,order_position,max_recipients,price_cents,is_active"))
        {
            foreach (var niche in niches)
            {
                for (var position = 1; position <= Levels.Length; position++)
                {
                    var (name, maxRecipients, price) = Levels[position - 1];
                    var levelId = random.NextUuid();
                    niche.LevelIds.Add(levelId);
                    file.Write($"{levelId},{niche.Id},{name},{position},{maxRecipients},{price},true\n");
                }
            }
        }

        var providers = new List<string>();
        using (var file = Csv(directory, "providers.csv", "provider_id,name,email,balance_cents"))
        {
            for (var i = 0; i < parameters.Providers; i++)
            {
                var balance = random.NextDouble() < parameters.PoorFraction ? PoorBalanceCents : FundedBalanceCents;
                var providerId = random.NextUuid();
                providers.Add(providerId);
                file.Write($"{providerId},Provider {i:D5},provider{i:D5}@example.test,{balance}\n");
            }
        }

        // Each provider buys in distinct niches, at one level of each, in some of the states.
        var subscriptions = 0;
        var perProvider = Math.Min(parameters.SubscriptionsPerProvider, niches.Count);
        using (var file = Csv(directory, "subscriptions.csv", "subscription_id,provider_id,level_id,states"))
        {
            foreach (var providerId in providers)
            {
                foreach (var niche in random.Sample(niches, perProvider))
                {
                    var levelId = random.Choose(niche.LevelIds);
                    var states = string.Join('|', random.Sample(UsStates.All, parameters.StatesPerSubscription).Order(StringComparer.Ordinal));
                    file.Write($"{random.NextUuid()},{providerId},{levelId},{states}\n");
                    subscriptions++;
                }
            }
        }

        // Leads fall uniformly on niches and states; contacts are unique, so none is a duplicate.
        using (var file = Csv(directory, "leads.csv", "lead_id,niche_id,workspace_id,state,email,phone,first_name,last_name"))
        {
            for (var i = 0; i < parameters.Leads; i++)
            {
                var niche = random.Choose(niches);
                var leadId = random.NextUuid();
                var state = random.Choose(UsStates.All);
                file.Write($"{leadId},{niche.Id},{niche.WorkspaceId},{state},lead{i:D7}@example.test,+1555{i:D7},{random.Choose(FirstNames)},{random.Choose(LastNames)}\n");
            }
        }

        return new WorkloadCounts(niches.Count, niches.Count * Levels.Length, providers.Count, subscriptions, parameters.Leads);
    }

    private static StreamWriter Csv(string directory, string name, string header)
    {
        var writer = new StreamWriter(Path.Combine(directory, name), append: false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), bufferSize: 1 << 16);
        writer.Write(header + "\n");
        return writer;
    }
}
