using LeadGrains.Abstractions.Leads;
using LeadGrains.Abstractions.Routing;
using LeadGrains.Cluster.Tests.Infrastructure;

namespace LeadGrains.Cluster.Tests.Routing;

/// <summary>
/// A lead submitted straight into a workspace and a routing of the same consumer to another
/// workspace, at the same time: with the platform-wide scope only one of them lands. Both take the
/// consumer's lock in the database, and whichever comes second sees the first.
/// </summary>
public sealed class DirectIntakeRaceTests(RoutingClusterFixture fixture) : IClassFixture<RoutingClusterFixture>
{
    [Fact]
    public async Task A_direct_intake_racing_a_routing_of_the_same_consumer_lets_only_one_land()
    {
        await RoutingScenario.SetDedupe(fixture.Db, "platform");
        var r = new RoutingScenario(fixture);
        var (direct, directNiche, _) = await r.Destination();
        var (routed, routedNiche, _) = await r.Destination();
        await r.Rule("state == 'TX'", priority: 1, routed.WorkspaceId, routedNiche);
        var source = RoutingScenario.Partner(direct.WorkspaceId);
        var emails = Enumerable.Range(0, 20).Select(i => $"race-{i}-{r.Tag}@example.com").ToList();

        var races = emails.Select(async email =>
        {
            var request = r.Request(source, "race-" + email, email);
            var routing = Task.Run(() => r.Submit(request));
            var intake = Task.Run(() => fixture.Grains.GetGrain<ILeadGrain>(Guid.NewGuid()).Submit(new LeadSubmission(direct.WorkspaceId, directNiche,
                request.Contact, request.Attributes)));
            return (Email: email, Routing: await routing, Intake: await intake);
        }).ToList();

        foreach (var (email, routing, intake) in await Task.WhenAll(races))
        {
            var landed = (await r.LeadsOf(email)).Where(l => l.Status != "duplicate").ToList();
            Assert.True(landed.Count == 1, $"{email}: {landed.Count} leads landed (routing {routing.Status}, direct intake {intake.Outcome})");
            if (routing.Status == RoutingStatus.Routed)
            {
                Assert.Equal(SubmitOutcome.Duplicate, intake.Outcome);
                Assert.Null(intake.DuplicateOf);                            // never the other workspace's lead
                Assert.Equal(routed.WorkspaceId, landed[0].WorkspaceId);
            }
            else
            {
                Assert.Equal((RoutingStatus.Duplicate, SubmitOutcome.Accepted), (routing.Status, intake.Outcome));
                Assert.Equal(direct.WorkspaceId, landed[0].WorkspaceId);
            }
        }
    }

    [Fact]
    public async Task A_consumer_routed_to_another_workspace_is_a_duplicate_in_a_direct_intake_only_with_the_platform_scope()
    {
        var r = new RoutingScenario(fixture);
        var (direct, directNiche, _) = await r.Destination();
        var (routed, routedNiche, _) = await r.Destination();
        await r.Rule("state == 'TX'", priority: 1, routed.WorkspaceId, routedNiche);
        var source = RoutingScenario.Partner(direct.WorkspaceId);

        await RoutingScenario.SetDedupe(fixture.Db, "platform");
        var first = r.Request(source, "after-1", "after-1@example.com");
        Assert.Equal(RoutingStatus.Routed, (await r.Submit(first)).Status);
        var platformWide = await Intake(direct.WorkspaceId, directNiche, first);
        Assert.Equal((SubmitOutcome.Duplicate, (Guid?)null), (platformWide.Outcome, platformWide.DuplicateOf));

        await RoutingScenario.SetDedupe(fixture.Db, "workspace");
        var second = r.Request(source, "after-2", "after-2@example.com");
        Assert.Equal(RoutingStatus.Routed, (await r.Submit(second)).Status);
        Assert.Equal(SubmitOutcome.Accepted, (await Intake(direct.WorkspaceId, directNiche, second)).Outcome);
        await RoutingScenario.SetDedupe(fixture.Db, "platform");
    }

    private Task<SubmitResult> Intake(Guid workspaceId, Guid nicheId, RoutingRequest request) =>
        fixture.Grains.GetGrain<ILeadGrain>(Guid.NewGuid()).Submit(new LeadSubmission(workspaceId, nicheId, request.Contact, request.Attributes));
}
