using Dapper;
using LeadGrains.Cluster.Tests.Infrastructure;
using static LeadGrains.Cluster.Tests.Infrastructure.Scenario;

namespace LeadGrains.Cluster.Tests.Delivery;

/// <summary>
/// The cursor never skips a run that commits after a later-numbered one: its position waits until no
/// transaction that could still commit below it is running.
/// </summary>
[Collection(DeliveryCollection.Name)]
public sealed class DeliveryCursorTests(DeliveryClusterFixture fixture)
{
    [Fact]
    public async Task A_run_committed_after_a_later_numbered_one_still_gets_its_delivery()
    {
        var early = fixture.Receiver.NewEndpoint();
        var late = fixture.Receiver.NewEndpoint();
        var s = await Scenario.Start(fixture.Grains);
        var niche = await s.Niche(new Level(1, 1, 100));
        var (earlyProvider, _) = await fixture.WebhookProvider(s, early.Url);
        var (lateProvider, _) = await fixture.WebhookProvider(s, late.Url);
        // The early provider's subscription is elsewhere, so the distribution below can only choose the late one.
        var subscription = await s.Subscribe(await s.Niche(new Level(1, 1, 100)), earlyProvider, 1);
        await s.Subscribe(niche, lateProvider, 1);
        var slowLead = await s.Lead(niche, approve: false);

        // A transaction that takes its run's seq and then holds its commit, as a slow distribution would:
        // row locks first (its transaction id), then the run.
        await using var slow = await fixture.Db.OpenConnectionAsync();
        await using var transaction = await slow.BeginTransactionAsync();
        await slow.ExecuteAsync("SELECT 1 FROM leads WHERE id = @slowLead FOR NO KEY UPDATE", new { slowLead }, transaction);
        var assignmentId = Guid.NewGuid();
        var slowSeq = await slow.QuerySingleAsync<long>("""
            INSERT INTO lead_assignments (id, lead_id, provider_id, subscription_id, level_id, niche_id, price_cents, balance_after_cents, assigned_at)
            VALUES (@assignmentId, @slowLead, @earlyProvider, @SubscriptionId, @LevelId, @NicheId, 100, 0, now());
            INSERT INTO distribution_runs (id, lead_id, niche_id, attempt, start_level_order_position, status, started_at, assignment_ids)
            VALUES (gen_random_uuid(), @slowLead, @leadNiche, 1, 1, 'success', now(), ARRAY[@assignmentId])
            RETURNING seq
            """, new { assignmentId, slowLead, earlyProvider, subscription.SubscriptionId, subscription.LevelId, subscription.NicheId, leadNiche = niche.NicheId }, transaction);

        // Meanwhile a later-numbered distribution commits and is delivered.
        var quickLead = await s.Lead(niche);
        await s.Distribute(quickLead);
        await Eventually.True(() => Task.FromResult(late.Accepted.Count == 1), "the later run was delivered");
        foreach (var worker in fixture.Workers)
        {
            await worker.RunOnce();
        }
        await using var reader = await fixture.Db.OpenConnectionAsync();
        Assert.True(await reader.QuerySingleAsync<long>("SELECT passed_seq FROM delivery_cursor") < slowSeq,
            "the position waits below the run still in flight");

        await transaction.CommitAsync();
        await Eventually.True(() => Task.FromResult(early.Accepted.Count == 1), "the run committed late was delivered too");
        Assert.Single(await reader.QueryAsync<Guid>("SELECT id FROM deliveries WHERE assignment_id = @assignmentId", new { assignmentId }));
    }
}
