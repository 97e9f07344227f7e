using Dapper;
using LeadGrains.Abstractions.Routing;
using LeadGrains.Cluster.Tests.Infrastructure;

namespace LeadGrains.Cluster.Tests.Routing;

/// <summary>An unroutable submission is retried 1, 5, 15 and 60 minutes of business time after each failure, then dead-lettered; operators retry it.</summary>
public sealed class RoutingRetryTests(RoutingClusterFixture fixture) : IClassFixture<RoutingClusterFixture>
{
    [Fact]
    public async Task An_unmatched_submission_is_retried_on_schedule_then_dead_lettered_and_routes_after_an_operator_retry()
    {
        var r = new RoutingScenario(fixture);
        var partner = await Scenario.Start(fixture.Grains);
        var request = r.Request(RoutingScenario.Partner(partner.WorkspaceId), "nowhere", "unmatched@example.com", state: "WY");
        var id = RoutingScenario.SubmissionId(request);

        var first = await r.Submit(request);
        Assert.Equal((RoutingStatus.Pending, 1, "unmatched"), (first.Status, first.Attempts, first.LastReason));
        var start = first.NextAttemptAt!.Value - TimeSpan.FromMinutes(1);

        foreach (var (delay, attempts) in new[] { (1, 2), (5, 3), (15, 4), (60, 5) })
        {
            fixture.Cluster.Advance(TimeSpan.FromMinutes(delay) - TimeSpan.FromSeconds(1));
            Assert.DoesNotContain(id, await fixture.SweepRouting());     // not due before its delay
            fixture.Cluster.Advance(TimeSpan.FromSeconds(1.5));
            Assert.Contains(id, await fixture.SweepRouting());
            await Eventually.True(async () => (await r.Row(id)).Attempts == attempts, $"attempt {attempts} ran");
        }

        Assert.Equal(RoutingStatus.Dead, (await r.Row(id)).Status);
        var tried = await AttemptTimes(id);
        Assert.Equal(5, tried.Count);
        Assert.Equal([1.0, 5, 15, 60], tried.Zip(tried.Skip(1), (a, b) => Math.Round((b - a).TotalMinutes)).ToList());
        Assert.InRange((tried[0] - start).TotalSeconds, -1, 1);

        var (destination, niche, _) = await r.Destination();
        await r.Rule("state == 'WY'", priority: 1, destination.WorkspaceId, niche);
        await using (var connection = await fixture.Db.OpenConnectionAsync())
        {
            Assert.Equal(RoutingStatus.Pending, await connection.QuerySingleAsync<string>("SELECT retry_routing(@id, 'ops:ann', @now)", new { id, now = fixture.Cluster.Now() }));
        }
        // Due at silo 0's reading of the clock; the other silo's virtual clock may lag it by microseconds (every
        // reading moves a clock on), and a grain there would not take it up yet. A second later both would.
        fixture.Cluster.Advance(TimeSpan.FromSeconds(1));
        Assert.Contains(id, await fixture.SweepRouting());
        await Eventually.True(async () => (await r.Row(id)).Status == RoutingStatus.Routed, "the retried submission routed", () => r.Log(id));
    }

    [Fact]
    public async Task A_destination_closed_to_routed_leads_is_retried_and_routed_once_it_opens()
    {
        var r = new RoutingScenario(fixture);
        var partner = await Scenario.Start(fixture.Grains);
        var (destination, niche, _) = await r.Destination();
        await r.Rule("state == 'TX'", priority: 1, destination.WorkspaceId, niche);
        await using var connection = await fixture.Db.OpenConnectionAsync();
        await connection.ExecuteAsync("INSERT INTO routing_closed_destinations (workspace_id, closed_at) VALUES (@WorkspaceId, now())", destination);
        var request = r.Request(RoutingScenario.Partner(partner.WorkspaceId), "closed", "closed@example.com");

        var first = await r.Submit(request);
        Assert.Equal((RoutingStatus.Pending, "destination_disabled"), (first.Status, first.LastReason));

        await connection.ExecuteAsync("DELETE FROM routing_closed_destinations WHERE workspace_id = @WorkspaceId", destination);
        fixture.Cluster.Advance(TimeSpan.FromMinutes(1.1));
        Assert.Contains(first.SubmissionId, await fixture.SweepRouting());
        await Eventually.True(async () => (await r.Row(first.SubmissionId)).Status == RoutingStatus.Routed, "routed on the retry");
        Assert.Single(await r.LeadsOf("closed@example.com"));
    }

    private async Task<List<DateTime>> AttemptTimes(Guid id)
    {
        await using var connection = await fixture.Db.OpenConnectionAsync();
        return (await connection.QueryAsync<DateTime>(
            "SELECT at FROM routing_log WHERE submission_id = @id AND outcome = 'unmatched' ORDER BY id", new { id })).ToList();
    }
}
