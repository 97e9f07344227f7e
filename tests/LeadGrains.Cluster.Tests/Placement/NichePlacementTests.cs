using LeadGrains.Abstractions.Leads;
using LeadGrains.Abstractions.Niches;
using LeadGrains.Cluster.Tests.Infrastructure;
using Orleans.Runtime;
using static LeadGrains.Cluster.Tests.Infrastructure.Scenario;

namespace LeadGrains.Cluster.Tests.Placement;

/// <summary>
/// On a two-silo cluster, lead grains activated by a call that names their niche live on their
/// niche grain's silo, so a distribution's call from lead to niche stays within one silo.
/// </summary>
public sealed class NichePlacementTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    [Fact]
    public async Task Leads_submitted_with_their_niche_named_live_beside_their_niche()
    {
        var s = await Scenario.Start(fixture.Grains);
        var niches = new List<NicheView>();
        for (var i = 0; i < 16; i++)
        {
            niches.Add(await s.Niche(new Level(1, 1, 100)));
        }
        var leads = new List<(Guid Lead, Guid Niche)>();
        foreach (var niche in niches)
        {
            for (var i = 0; i < 2; i++)
            {
                using var nearItsNiche = NicheHint.For(niche.NicheId);
                leads.Add((await s.Lead(niche), niche.NicheId));
            }
        }

        var silos = await SiloOfEachActivation();

        Assert.Equal(2, niches.Select(n => silos[n.NicheId]).Distinct().Count());   // the niches spread over both silos ...
        Assert.All(leads, l => Assert.Equal(silos[l.Niche], silos[l.Lead]));   // ... and each lead sits beside its own
    }

    private async Task<Dictionary<Guid, SiloAddress>> SiloOfEachActivation()
    {
        var management = fixture.Grains.GetGrain<IManagementGrain>(0);
        var statistics = await management.GetDetailedGrainStatistics();
        return statistics
            .Where(a => a.GrainId.TryGetGuidKey(out _, out var extension) && extension is null)
            .ToDictionary(a => a.GrainId.GetGuidKey(), a => a.SiloAddress);
    }
}
