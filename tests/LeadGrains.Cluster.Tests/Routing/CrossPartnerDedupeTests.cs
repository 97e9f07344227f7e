using LeadGrains.Abstractions.Leads;
using LeadGrains.Abstractions.Routing;
using LeadGrains.Cluster.Tests.Infrastructure;

namespace LeadGrains.Cluster.Tests.Routing;

/// <summary>
/// One consumer across three workspaces: with the platform-wide scope, a consumer any workspace has
/// seen within the window is a duplicate and not routed; with the workspace scope, only one the
/// destination workspace has seen. Neither answer names the workspace that saw it.
/// </summary>
public sealed class CrossPartnerDedupeTests(RoutingClusterFixture fixture) : IClassFixture<RoutingClusterFixture>
{
    [Fact]
    public async Task The_scope_decides_whether_a_consumer_seen_in_another_workspace_is_routed_again()
    {
        var r = new RoutingScenario(fixture);
        var (alpha, alphaNiche, _) = await r.Destination();
        var (beta, betaNiche, _) = await r.Destination();
        var (gamma, gammaNiche, _) = await r.Destination();
        await r.Rule("state == 'TX'", priority: 1, beta.WorkspaceId, betaNiche);
        await r.Rule("state == 'OK'", priority: 1, gamma.WorkspaceId, gammaNiche);
        await r.Rule("state == 'NM'", priority: 1, alpha.WorkspaceId, alphaNiche);
        var source = RoutingScenario.Partner(alpha.WorkspaceId);
        // Workspace alpha bought the consumer directly, through its own intake.
        var direct = await fixture.Grains.GetGrain<ILeadGrain>(Guid.NewGuid()).Submit(new LeadSubmission(alpha.WorkspaceId, alphaNiche,
            new LeadContact("Bo", "Diddley", "shared@example.com", RoutingScenario.PhoneOf("shared@example.com")),
            new LeadAttributes("TX", null, null, new Dictionary<string, string>())));
        Assert.Equal(SubmitOutcome.Accepted, direct.Outcome);

        await RoutingScenario.SetDedupe(fixture.Db, "platform");
        var platformWide = await r.Submit(r.Request(source, "p-1", "SHARED@example.com", state: "TX"));   // normalized alike

        Assert.Equal(RoutingStatus.Duplicate, platformWide.Status);
        Assert.Equal("consumer_seen", platformWide.LastReason);          // not where it was seen
        Assert.DoesNotContain(await r.LeadsOf("shared@example.com"), l => l.WorkspaceId == beta.WorkspaceId);

        await RoutingScenario.SetDedupe(fixture.Db, "workspace");
        var toBeta = await r.Submit(r.Request(source, "w-1", "shared@example.com", state: "TX"));
        var toAlphaAgain = await r.Submit(r.Request(source, "w-2", "shared@example.com", state: "NM"));

        Assert.Equal(RoutingStatus.Routed, toBeta.Status);               // beta never saw the consumer
        Assert.Equal(RoutingStatus.Duplicate, toAlphaAgain.Status);      // alpha did

        await RoutingScenario.SetDedupe(fixture.Db, "platform");
        var toGamma = await r.Submit(r.Request(source, "p-2", "shared@example.com", state: "OK"));
        Assert.Equal(RoutingStatus.Duplicate, toGamma.Status);           // now seen in alpha and beta

        var leads = await r.LeadsOf("shared@example.com");
        Assert.Equal(new[] { alpha.WorkspaceId, beta.WorkspaceId }.Order(), leads.Select(l => l.WorkspaceId).Order());

        await RoutingScenario.SetDedupe(fixture.Db, "platform", windowDays: 30);
        fixture.Cluster.Advance(TimeSpan.FromDays(31));
        var afterWindow = await r.Submit(r.Request(source, "p-3", "shared@example.com", state: "OK"));
        Assert.Equal(RoutingStatus.Routed, afterWindow.Status);          // outside the window it is a new lead
    }
}
