using Dapper;
using LeadGrains.Abstractions.Niches;
using LeadGrains.Cluster.Tests.Infrastructure;
using Orleans.Core.Internal;
using Orleans.TestingHost;
using static LeadGrains.Cluster.Tests.Distribution.SeedScenarioTests;
using static LeadGrains.Cluster.Tests.Infrastructure.Scenario;

namespace LeadGrains.Cluster.Tests.Distribution;

/// <summary>A cluster whose niches save their last services only when they deactivate.</summary>
public sealed class UnsavedServicesFixture : ClusterFixture
{
    protected override void Configure(TestClusterBuilder builder) =>
        builder.Properties["LeadGrains:Distribution:ServiceSaveInterval"] = "01:00:00";
}

/// <summary>
/// A subscription's last service (last_received_at) is not written by the distribution's
/// transaction: the niche saves it every few seconds and when it deactivates, and until then the
/// assignments say it — to the niche when it reloads, and to the API.
/// </summary>
public sealed class LastServiceTests(UnsavedServicesFixture fixture) : IClassFixture<UnsavedServicesFixture>
{
    private sealed record Service(Guid SubscriptionId, DateTime? Saved, DateTime? Derived, bool ServiceSaved, DateTime? Assigned);

    [Fact]
    public async Task A_niche_that_reloads_before_saving_serves_in_the_order_its_assignments_say()
    {
        var s = await Scenario.Start(fixture.Grains);
        var niche = await s.Niche(new Level(1, 1, 100));
        var providers = new List<Guid>();
        for (var i = 1; i <= 3; i++)
        {
            providers.Add(await s.Provider(10_000, OrderedId(i)));
            await s.Subscribe(niche, providers[^1], 1);
        }
        var winners = new List<Guid>();
        for (var i = 0; i < 2; i++)
        {
            winners.Add(Assert.Single((await s.Distribute(await s.Lead(niche))).Result!.Assignments).ProviderId);
        }
        var services = await Services(niche.NicheId);
        Assert.All(services, x => Assert.Null(x.Saved));
        Assert.All(services, x => Assert.Equal(x.Assigned, x.Derived));
        Assert.Equal(1, services.Count(x => x.Derived is null));

        // Another activation moved the niche's version: the next plan is refused as stale, and the
        // niche reloads everything from the database before deciding again.
        await using (var connection = await fixture.Db.OpenConnectionAsync())
        {
            await connection.ExecuteAsync("UPDATE niches SET distribution_version = distribution_version + 1 WHERE id = @id", new { id = niche.NicheId });
        }
        for (var i = 0; i < 4; i++)
        {
            winners.Add(Assert.Single((await s.Distribute(await s.Lead(niche))).Result!.Assignments).ProviderId);
        }

        // Had the reload read only the saved (empty) last services, the third lead would go to the first provider again.
        Assert.Equal([providers[0], providers[1], providers[2], providers[0], providers[1], providers[2]], winners);
        await fixture.AssertInvariantsHold();
    }

    [Fact]
    public async Task A_deactivating_niche_saves_its_last_services_and_moves_its_watermark()
    {
        var s = await Scenario.Start(fixture.Grains);
        var niche = await s.Niche(new Level(1, 2, 100));
        for (var i = 0; i < 3; i++)
        {
            await s.Subscribe(niche, await s.Provider(10_000), 1);
        }
        for (var i = 0; i < 3; i++)
        {
            await s.Distribute(await s.Lead(niche));
        }
        Assert.All(await Services(niche.NicheId), x => Assert.False(x.Assigned is not null && x.ServiceSaved));

        await fixture.Grains.GetGrain<INicheGrain>(niche.NicheId).AsReference<IGrainManagementExtension>().DeactivateOnIdle();

        await Eventually.True(async () => (await Services(niche.NicheId)).All(x => x.ServiceSaved), "the niche saved its last services");
        var services = await Services(niche.NicheId);
        Assert.All(services, x => Assert.Equal(x.Assigned, x.Saved));
        await using var connection = await fixture.Db.OpenConnectionAsync();
        var (watermark, lastRun) = await connection.QuerySingleAsync<(DateTime, DateTime)>("""
            SELECT w.saved_until, (SELECT max(started_at) FROM distribution_runs WHERE niche_id = w.niche_id) FROM niche_services_saved w WHERE w.niche_id = @id
            """, new { id = niche.NicheId });
        Assert.Equal(lastRun, watermark);
    }

    [Fact]
    public async Task A_save_skips_a_subscription_another_transaction_holds_and_keeps_the_watermark_until_it_is_saved()
    {
        var s = await Scenario.Start(fixture.Grains);
        var niche = await s.Niche(new Level(1, 1, 100));
        var held = await s.Subscribe(niche, await s.Provider(10_000), 1);
        var free = await s.Subscribe(niche, await s.Provider(10_000), 1);
        var servedAt = new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);
        var ids = new[] { held.SubscriptionId, free.SubscriptionId };
        var times = new[] { servedAt, servedAt.AddSeconds(1) };

        await using var holder = await fixture.Db.OpenConnectionAsync();
        await using var transaction = await holder.BeginTransactionAsync();
        await holder.ExecuteAsync("SELECT 1 FROM subscriptions WHERE id = @id FOR UPDATE", new { id = held.SubscriptionId }, transaction);
        await using var saver = await fixture.Db.OpenConnectionAsync();
        var saved = await saver.QuerySingleAsync<Guid[]>("SELECT save_services(@niche, @ids, @times, @until)",
            new { niche = niche.NicheId, ids, times, until = times[1] });

        Assert.Equal([free.SubscriptionId], saved);
        Assert.Equal(DateTime.MinValue, await Watermark(saver, niche.NicheId));
        await transaction.RollbackAsync();

        saved = await saver.QuerySingleAsync<Guid[]>("SELECT save_services(@niche, @ids, @times, @until)",
            new { niche = niche.NicheId, ids, times, until = times[1] });
        Assert.Equal(ids.Order(), saved.Order());
        Assert.Equal(times[1].UtcDateTime, await Watermark(saver, niche.NicheId));
    }

    private static Task<DateTime> Watermark(Npgsql.NpgsqlConnection connection, Guid nicheId) =>
        connection.QuerySingleAsync<DateTime>(
            "SELECT coalesce((SELECT saved_until FROM niche_services_saved WHERE niche_id = @nicheId), '-infinity')", new { nicheId });

    /// <summary>Per subscription: the saved last_received_at, what subscriptions_last_received says, and its latest assignment.</summary>
    private async Task<List<Service>> Services(Guid nicheId)
    {
        await using var connection = await fixture.Db.OpenConnectionAsync();
        return (await connection.QueryAsync<Service>("""
            SELECT s.id AS subscription_id, s.last_received_at AS saved, lr.last_received_at AS derived, lr.service_saved,
                   (SELECT max(a.assigned_at) FROM lead_assignments a WHERE a.subscription_id = s.id) AS assigned
              FROM subscriptions s JOIN subscriptions_last_received(ARRAY[@nicheId]) lr ON lr.subscription_id = s.id
            """, new { nicheId })).ToList();
    }
}
