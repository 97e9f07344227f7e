using System.Security.Cryptography;

namespace LeadGrains.Workload.Tests;

public sealed class WorkloadGeneratorTests : IDisposable
{
    private static readonly string[] Files = ["niches.csv", "levels.csv", "providers.csv", "subscriptions.csv", "leads.csv"];

    private readonly string root = Directory.CreateTempSubdirectory("lg-workload-tests-").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    private string Generate(string name, WorkloadParameters parameters)
    {
        var directory = Path.Combine(root, name);
        WorkloadGenerator.Write(directory, parameters);
        return directory;
    }

    private static List<string[]> Rows(string directory, string file) =>
        File.ReadLines(Path.Combine(directory, file)).Skip(1).Select(line => line.Split(',')).ToList();

    [Fact]
    public void The_same_parameters_give_byte_identical_files_and_another_seed_other_files()
    {
        var small = WorkloadParameters.W1 with { Niches = 5, Providers = 40, Leads = 500 };

        var first = Generate("first", small);
        var second = Generate("second", small);
        var reseeded = Generate("reseeded", small with { Seed = 43 });

        Assert.All(Files, file => Assert.Equal(File.ReadAllBytes(Path.Combine(first, file)), File.ReadAllBytes(Path.Combine(second, file))));
        Assert.NotEqual(File.ReadAllBytes(Path.Combine(first, "leads.csv")), File.ReadAllBytes(Path.Combine(reseeded, "leads.csv")));
    }

    [Fact]
    public void W1_is_the_workload_the_benchmark_figures_were_measured_on()
    {
        // Any change to what the generator draws, or in what order, changes W1 and so every figure
        // measured on it: such a change must be deliberate, and update this digest (and the README).
        var w1 = Generate("w1", WorkloadParameters.W1);

        using var sha = SHA256.Create();
        foreach (var file in Files)
        {
            var bytes = File.ReadAllBytes(Path.Combine(w1, file));
            sha.TransformBlock(bytes, 0, bytes.Length, null, 0);
        }
        sha.TransformFinalBlock([], 0, 0);

        Assert.Equal("425eecab822a59773c1de0e683797807cb6e6355b00b7180ddbc5d9499e1a4ad", Convert.ToHexStringLower(sha.Hash!));
    }

    [Fact]
    public void W1_has_its_documented_shape()
    {
        var w1 = Generate("w1-shape", WorkloadParameters.W1 with { Leads = 5_000 });

        Assert.Equal(
            ["niche_id,name,workspace_id", "level_id,niche_id,name,order_position,max_recipients,price_cents,is_active",
             "provider_id,name,email,balance_cents", "subscription_id,provider_id,level_id,states",
             "lead_id,niche_id,workspace_id,state,email,phone,first_name,last_name"],
            Files.Select(file => File.ReadLines(Path.Combine(w1, file)).First()));

        var niches = Rows(w1, "niches.csv");
        Assert.Equal(50, niches.Count);
        Assert.Equal("niche-049", niches[^1][1]);
        Assert.Equal(2, niches.Select(n => n[2]).Distinct().Count());
        Assert.All(niches.Chunk(2), pair => Assert.NotEqual(pair[0][2], pair[1][2]));
        var workspaceOf = niches.ToDictionary(n => n[0], n => n[2]);

        var levels = Rows(w1, "levels.csv");
        Assert.Equal(150, levels.Count);
        Assert.All(levels.Chunk(3), niche => Assert.Equal(
            ["Exclusive,1,1,4900,true", "Shared,2,3,2000,true", "Budget,3,5,1000,true"],
            niche.Select(level => string.Join(',', level[2..]))));
        var nicheOfLevel = levels.ToDictionary(l => l[0], l => l[1]);

        var providers = Rows(w1, "providers.csv");
        Assert.Equal(1_000, providers.Count);
        Assert.Equal("Provider 00999", providers[^1][1]);
        Assert.Equal("provider00999@example.test", providers[^1][2]);
        Assert.All(providers, p => Assert.Contains(p[3], new[] { "3000", "1000000" }));
        Assert.InRange(providers.Count(p => p[3] == "3000"), 70, 130);

        var subscriptions = Rows(w1, "subscriptions.csv");
        Assert.Equal(3_000, subscriptions.Count);
        Assert.All(subscriptions.GroupBy(s => s[1]), provider =>
        {
            Assert.Equal(3, provider.Count());
            Assert.Equal(3, provider.Select(s => nicheOfLevel[s[2]]).Distinct().Count());
        });
        Assert.All(subscriptions, s =>
        {
            var states = s[3].Split('|');
            Assert.Equal(10, states.Distinct().Count());
            Assert.Equal(states.Order(StringComparer.Ordinal), states);
            Assert.All(states, state => Assert.Contains(state, UsStates.All));
        });
        Assert.Equal(3, subscriptions.Select(s => levels.First(l => l[0] == s[2])[2]).Distinct().Count());

        var leads = Rows(w1, "leads.csv");
        Assert.Equal(5_000, leads.Count);
        Assert.Equal(["lead0004999@example.test", "+15550004999"], leads[^1][4..6]);
        Assert.All(leads, lead =>
        {
            Assert.Equal(workspaceOf[lead[1]], lead[2]);
            Assert.Contains(lead[3], UsStates.All);
        });
        Assert.Equal(5_000, leads.Select(l => l[0]).Distinct().Count());
        Assert.True(leads.Select(l => l[1]).Distinct().Count() == 50, "leads reach every niche");
    }
}
