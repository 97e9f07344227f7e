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

        // The destination's intake takes the niche's lock of the contact, then the consumer's: holding the first
        // stops the move right after the decision, with the silo still working on it.
        await using var holder = await fixture.Db.OpenConnectionAsync();
        var hash = DedupeHash.Compute(request.Contact.Email, request.Contact.Phone, niche);
        var consumer = "consumer:" + DedupeHash.ForConsumer(request.Contact.Email, request.Contact.Phone);
        await holder.ExecuteAsync("SELECT pg_advisory_lock(hashtextextended(@hash, 0))", new { hash });
        var routing = r.Submit(request);
        await Eventually.True(async () => (await r.Row(submissionId)).Status == RoutingStatus.Deciding && await Waiting() == 1, "the move waits in the destination's intake");
        await holder.ExecuteAsync("SELECT pg_advisory_lock(hashtextextended(@consumer, 0))", new { consumer });   // decided: decide_routing is done with it

        var routingSilo = (await SiloOfEachActivation("RoutingGrain"))[submissionId];
        var leadSilo = (await SiloOfEachActivation("LeadGrain")).GetValueOrDefault(LeadIds.ForRoutedSubmission(submissionId));
        await fixture.Cluster.KillSiloAsync(fixture.Cluster.Silos.Single(s => s.SiloAddress.Equals(routingSilo)));
        _ = routing.ContinueWith(t => t.Exception, TaskScheduler.Default);   // its caller lost the silo: the answer may never come
        // The killed silo's intake goes on (an in-process silo's connection outlives it, as a commit whose reply was
        // lost would) and waits for the consumer's lock, holding the niche's.
        await holder.ExecuteAsync("SELECT pg_advisory_unlock(hashtextextended(@hash, 0))", new { hash });

        fixture.Cluster.Advance(TimeSpan.FromMinutes(2));                   // past the decision's lease
        var sweep = fixture.SweepRouting();
        if (routingSilo.Equals(leadSilo))
        {
            // The lead grain died too: its new activation on the other silo finds no lead yet and waits behind the
            // killed silo's intake, which then stores the lead under the same id first.
            await Eventually.True(async () => await Waiting() == 2, "the other silo's intake waits behind the killed silo's");
        }
        await holder.ExecuteAsync("SELECT pg_advisory_unlock(hashtextextended(@consumer, 0))", new { consumer });
        Assert.Contains(submissionId, await sweep);
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

    private async Task<int> Waiting()
    {
        await using var connection = await fixture.Db.OpenConnectionAsync();
        return await connection.QuerySingleAsync<int>("SELECT count(*)::int FROM pg_locks WHERE locktype = 'advisory' AND NOT granted");
    }

    /// <summary>Where each activation of the grain class lives, by its key.</summary>
    private async Task<Dictionary<Guid, SiloAddress>> SiloOfEachActivation(string grainClass)
    {
        var statistics = await fixture.Grains.GetGrain<IManagementGrain>(0).GetDetailedGrainStatistics();
        return statistics
            .Where(a => a.GrainType.Split(',')[0].EndsWith("." + grainClass, StringComparison.Ordinal) && a.GrainId.TryGetGuidKey(out _, out var extension) && extension is null)
            .ToDictionary(a => a.GrainId.GetGuidKey(), a => a.SiloAddress);
    }
}
