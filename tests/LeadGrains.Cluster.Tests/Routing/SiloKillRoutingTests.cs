using Dapper;
using LeadGrains.Abstractions.Routing;
using LeadGrains.Cluster.Tests.Infrastructure;
using LeadGrains.Domain.Leads;

namespace LeadGrains.Cluster.Tests.Routing;

/// <summary>
/// The silo routing a submission is killed after the submission was bound for its destination and
/// while the lead is being stored there; once the decision's lease runs out, the other silo finishes
/// the move, and the submission is routed once, as one lead. The killed silo's intake may still have
/// stored the lead without answering (an in-process silo's connections outlive it, as a commit whose
/// reply was lost would): the other silo's intake then finds that lead under the same id and completes with it.
/// </summary>
public sealed class SiloKillRoutingTests(RoutingClusterFixture fixture) : IClassFixture<RoutingClusterFixture>
{
    [Fact]
    public async Task A_submission_whose_silo_is_killed_mid_routing_is_routed_once_by_the_other_silo()
    {
        var r = new RoutingScenario(fixture);
        var partner = await Scenario.Start(fixture.Grains);
        var (destination, niche, _) = await r.Destination();
        await r.Rule("state == 'TX'", priority: 1, destination.WorkspaceId, niche);
        var request = r.Request(RoutingScenario.Partner(partner.WorkspaceId), "kill-me", "killed@example.com");
        var submissionId = RoutingScenario.SubmissionId(request);

        // The destination's intake serializes one contact on an advisory lock of its niche dedupe hash:
        // holding it stops the move right after the decision, with the silo still working on it.
        await using var holder = await fixture.Db.OpenConnectionAsync();
        var hash = DedupeHash.Compute(request.Contact.Email, request.Contact.Phone, niche);
        await holder.ExecuteAsync("SELECT pg_advisory_lock(hashtextextended(@hash, 0))", new { hash });
        var routing = r.Submit(request);
        await Eventually.True(async () => (await r.Row(submissionId)).Status == RoutingStatus.Deciding && await Waiting(), "the move waits in the destination's intake");

        var silos = await SiloOfEachActivation();
        var running = fixture.Cluster.Silos.Single(s => s.SiloAddress.Equals(silos[submissionId]));
        await fixture.Cluster.KillSiloAsync(running);
        await holder.ExecuteAsync("SELECT pg_advisory_unlock(hashtextextended(@hash, 0))", new { hash });
        _ = routing.ContinueWith(t => t.Exception, TaskScheduler.Default);   // its caller lost the silo: the answer may never come

        fixture.Cluster.Advance(TimeSpan.FromMinutes(2));                   // past the decision's lease (and a retry's delay)
        await Eventually.True(async () =>
        {
            await fixture.SweepRouting();
            return (await r.Row(submissionId)).Status == RoutingStatus.Routed;
        }, "the surviving silo finished the routing", () => r.Log(submissionId));

        var (_, leadId, workspaceId, _) = await r.Row(submissionId);
        var lead = Assert.Single(await r.LeadsOf("killed@example.com"));
        Assert.Equal((leadId!.Value, destination.WorkspaceId), (lead.Id, workspaceId!.Value));
        Assert.Equal(LeadIds.ForRoutedSubmission(submissionId), lead.Id);
    }

    private async Task<bool> Waiting()
    {
        await using var connection = await fixture.Db.OpenConnectionAsync();
        return await connection.QuerySingleAsync<bool>("SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND NOT granted)");
    }

    private async Task<Dictionary<Guid, SiloAddress>> SiloOfEachActivation()
    {
        var statistics = await fixture.Grains.GetGrain<IManagementGrain>(0).GetDetailedGrainStatistics();
        return statistics
            .Where(a => a.GrainType.Contains("Routing", StringComparison.Ordinal) && a.GrainId.TryGetGuidKey(out _, out var extension) && extension is null)
            .ToDictionary(a => a.GrainId.GetGuidKey(), a => a.SiloAddress);
    }
}
