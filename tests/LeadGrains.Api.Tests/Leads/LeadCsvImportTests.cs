using Dapper;
using LeadGrains.Abstractions.Niches;
using LeadGrains.Abstractions.Workspaces;
using LeadGrains.Api.Leads;
using LeadGrains.Api.Tests.Infrastructure;
using LeadGrains.Workload;
using Microsoft.Extensions.DependencyInjection;

namespace LeadGrains.Api.Tests.Leads;

/// <summary>The CSV import the API runs, driven straight at the local host's grains with a generated workload.</summary>
[Collection(ApiCollection.Name)]
public sealed class LeadCsvImportTests(LocalApiHost host)
{
    private IGrainFactory Grains => host.Services.GetRequiredService<IGrainFactory>();

    [Fact]
    public async Task Ten_thousand_rows_import_with_malformed_duplicate_and_unknown_niche_rows_reported_by_line()
    {
        var workload = StandardWorkload.Generate(WorkloadParameters.W1 with { Workspaces = 1, Niches = 3, Providers = 20, Leads = 10_000, Seed = 11 });
        var niches = File.ReadLines(Path.Combine(workload, "niches.csv")).Skip(1).Select(l => l.Split(',')).ToList();
        var workspaceId = Guid.Parse(niches[0][2]);
        await Grains.GetGrain<IWorkspaceGrain>(workspaceId).Create("imported");
        foreach (var niche in niches)
        {
            await Grains.GetGrain<INicheGrain>(Guid.Parse(niche[0])).Create(new CreateNicheCommand(workspaceId, niche[1],
                [new LevelDefinition("Exclusive", 1, 1, 4900, true)]));
        }
        var lines = File.ReadAllLines(Path.Combine(workload, "leads.csv"));
        Assert.Equal(10_001, lines.Length);
        // Line numbers are 1-based and the header is line 1, so data row k sits at index k - 1.
        lines[2] = "not,enough,fields";                                                          // line 3: malformed
        lines[9] = Guid.NewGuid() + lines[1][36..];                                              // line 10: line 2's contact again
        lines[19] = string.Join(',', lines[19].Split(',') is var f ? [f[0], Guid.NewGuid().ToString(), .. f[2..]] : f);  // line 20: unknown niche
        lines[29] = string.Join(',', lines[29].Split(',') is var g ? [.. g[..4], "not-an-email", .. g[5..]] : g);        // line 30: bad email
        lines[39] = "nonsense-id" + lines[39][36..];                                              // line 40: bad lead id
        var path = Path.Combine(workload, "leads-edited.csv");
        await File.WriteAllLinesAsync(path, lines);

        await using var csv = File.OpenRead(path);
        var report = await new LeadCsvImport(Grains).Import(csv, workspaceId, CancellationToken.None);

        Assert.Equal([3L, 20, 30, 40], report.Rejected.Select(r => r.Line));
        Assert.Contains("fields", report.Rejected[0].Reason);
        Assert.Contains("niche_id", report.Rejected[1].Reason);
        Assert.Contains("contact.email", report.Rejected[2].Reason);
        Assert.Contains("lead_id", report.Rejected[3].Reason);
        Assert.True(report.Duplicates >= 1);
        Assert.Equal(10_000, report.Accepted + report.Duplicates + report.Rejected.Count);
        await using var connection = await host.Database.OpenConnectionAsync();
        Assert.Equal(report.Accepted, await connection.QuerySingleAsync<long>(
            "SELECT count(*) FROM leads WHERE workspace_id = @workspaceId AND status = 'pending'", new { workspaceId }));
        Assert.Equal(report.Duplicates, await connection.QuerySingleAsync<long>(
            "SELECT count(*) FROM leads WHERE workspace_id = @workspaceId AND status = 'duplicate'", new { workspaceId }));

        // Importing the same file again is harmless: every row is already known.
        await using var again = File.OpenRead(path);
        var second = await new LeadCsvImport(Grains).Import(again, workspaceId, CancellationToken.None);
        Assert.Equal(0, second.Accepted);
        Assert.Equal(report.Accepted + report.Duplicates, second.Duplicates);
    }
}
