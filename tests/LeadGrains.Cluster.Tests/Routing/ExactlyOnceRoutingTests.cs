using Dapper;
using LeadGrains.Abstractions.Leads;
using LeadGrains.Abstractions.Routing;
using LeadGrains.Cluster.Tests.Infrastructure;

namespace LeadGrains.Cluster.Tests.Routing;

/// <summary>A submission is routed to one destination, attributed to one source, and then lives the lead's normal life there.</summary>
public sealed class ExactlyOnceRoutingTests(RoutingClusterFixture fixture) : IClassFixture<RoutingClusterFixture>
{
    [Fact]
    public async Task A_routed_lead_lands_in_the_highest_priority_rules_niche_and_is_distributed_there_after_approval()
    {
        var r = new RoutingScenario(fixture);
        var partner = await Scenario.Start(fixture.Grains);
        var (texas, texasNiche, texasProvider) = await r.Destination();
        var (solar, solarNiche, _) = await r.Destination();
        await r.Rule("state == 'TX'", priority: 10, texas.WorkspaceId, texasNiche);
        await r.Rule("industry == 'solar' and startsWith(zip, '75')", priority: 20, solar.WorkspaceId, solarNiche);
        await r.Rule("true", priority: 30, solar.WorkspaceId, solarNiche, enabled: false);

        var routed = await r.Submit(r.Request(RoutingScenario.Partner(partner.WorkspaceId), "row-1", "tex@example.com", zip: "76001",
            extra: new Dictionary<string, string> { ["industry"] = "solar" }));

        Assert.Equal(RoutingStatus.Routed, routed.Status);
        Assert.Equal(1, routed.Attempts);
        var (_, leadId, workspaceId, _) = await r.Row(routed.SubmissionId);
        Assert.Equal(texas.WorkspaceId, workspaceId);                    // zip 76 misses the solar rule; the disabled one is skipped
        var lead = fixture.Grains.GetGrain<ILeadGrain>(leadId!.Value);
        Assert.Equal(LeadStatus.Pending, (await lead.Get())!.Status);
        Assert.Equal(texasNiche, (await lead.Get())!.NicheId);

        await lead.Approve("approver:texas");
        await Eventually.True(async () => (await lead.Get())!.Status == LeadStatus.Distributed, "the routed lead is distributed in its destination");
        Assert.Equal(texasProvider, Assert.Single((await lead.GetDistributionResult())!.Assignments).ProviderId);
        await fixture.AssertInvariantsHold();
    }

    [Fact]
    public async Task The_same_submission_sent_twenty_times_at_once_is_routed_once_and_attributed_once()
    {
        var r = new RoutingScenario(fixture);
        var partner = await Scenario.Start(fixture.Grains);
        var (destination, niche, _) = await r.Destination();
        await r.Rule("state == 'TX'", priority: 1, destination.WorkspaceId, niche);
        var request = r.Request(RoutingScenario.Partner(partner.WorkspaceId), "same-row", "twenty@example.com");

        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(() => r.Submit(request))));

        Assert.All(answers, answer => Assert.Equal(RoutingStatus.Routed, answer.Status));
        Assert.Single(answers.Select(a => a.SubmissionId).Distinct());
        var lead = Assert.Single(await r.LeadsOf("twenty@example.com"));
        Assert.Equal(destination.WorkspaceId, lead.WorkspaceId);
        await using var connection = await fixture.Db.OpenConnectionAsync();
        var attributions = (await connection.QueryAsync<(string Kind, string Source)>(
            "SELECT source_kind, source_id FROM routing_submissions WHERE lead_id = @Id", new { lead.Id })).ToList();
        Assert.Equal([(RoutingSource.Workspace, partner.WorkspaceId.ToString())], attributions);
        Assert.Equal(1, await connection.QuerySingleAsync<long>(
            "SELECT count(*) FROM routing_log WHERE submission_id = @id AND outcome = 'routed'", new { id = answers[0].SubmissionId }));
    }

    [Fact]
    public async Task One_consumer_sent_by_twenty_sources_at_once_is_routed_once_and_the_rest_are_duplicates()
    {
        var r = new RoutingScenario(fixture);
        var (destination, niche, _) = await r.Destination();
        await r.Rule("state == 'TX'", priority: 1, destination.WorkspaceId, niche);
        var requests = Enumerable.Range(0, 20)
            .Select(i => r.Request(new RoutingSource(RoutingSource.Client, $"client-{i}"), "lead-7", "everyone@example.com"))
            .ToList();

        var answers = await Task.WhenAll(requests.Select(request => Task.Run(() => r.Submit(request))));

        Assert.Equal(1, answers.Count(a => a.Status == RoutingStatus.Routed));
        Assert.Equal(19, answers.Count(a => a.Status == RoutingStatus.Duplicate));
        Assert.Single(await r.LeadsOf("everyone@example.com"));
    }
}
