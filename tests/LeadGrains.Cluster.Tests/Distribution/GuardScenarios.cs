using Dapper;
using LeadGrains.Abstractions.Niches;
using LeadGrains.Cluster.Tests.Infrastructure;
using LeadGrains.Grains.Distribution;
using Npgsql;
using static LeadGrains.Cluster.Tests.Infrastructure.Scenario;

namespace LeadGrains.Cluster.Tests.Distribution;

/// <summary>The situations the database guards are tried on, shared by the guard tests and their negative controls.</summary>
internal static class GuardScenarios
{
    public sealed record TwoWriters(Scenario Scenario, StaleWriter Writer, Guid ProviderId, IReadOnlyList<DistributionPlan> Plans);

    public sealed record CycledPointer(StaleWriter Writer, DistributionPlan StalePlan);

    public sealed record DuplicateActivation(StaleWriter Writer, DistributionPlan First, DistributionPlan Duplicate);

    public sealed record DoubleCharge(Scenario Scenario, StaleWriter Writer, Guid ProviderId, DistributionPlan Plan);

    /// <summary>Two niches, each sure the shared provider can pay: together they would overdraw it.</summary>
    public static async Task<TwoWriters> TwoNichesSharingAProvider(ClusterFixture fixture, long balanceCents, long priceCents)
    {
        var s = await Scenario.Start(fixture.Grains);
        var provider = await s.Provider(balanceCents);
        var plans = new List<DistributionPlan>();
        foreach (var _ in new[] { 1, 2 })
        {
            var niche = await s.Niche(new Level(1, 1, priceCents));
            var subscription = await s.Subscribe(niche, provider, 1);
            var lead = await s.Lead(niche);
            plans.Add(StaleWriter.Plan(lead, niche, version: 0, start: 1, nextPointer: 1,
                new StaleWriter.Charge(provider, subscription.SubscriptionId, LevelId(niche, 1), priceCents)));
        }
        return new TwoWriters(s, new StaleWriter(fixture.Db), provider, plans);
    }

    /// <summary>
    /// A niche of two levels has distributed two leads, so its pointer is back where it started (1 → 2 → 1)
    /// while its version went 0 → 2. The stale plan was made before either, on version 0 and pointer 1.
    /// </summary>
    public static async Task<CycledPointer> PointerCycledBack(ClusterFixture fixture)
    {
        var s = await Scenario.Start(fixture.Grains);
        var niche = await s.Niche(new Level(1, 1, 100), new Level(2, 1, 100));
        var provider = await s.Provider(10_000);
        var subscription = await s.Subscribe(niche, provider, 1);
        var writer = new StaleWriter(fixture.Db);
        Assert.Equal("recorded", (await writer.Record(StaleWriter.Plan(await s.Lead(niche), niche, 0, 1, 2))).Outcome);
        Assert.Equal("recorded", (await writer.Record(StaleWriter.Plan(await s.Lead(niche), niche, 1, 2, 1))).Outcome);
        var stale = StaleWriter.Plan(await s.Lead(niche), niche, version: 0, start: 1, nextPointer: 2,
            new StaleWriter.Charge(provider, subscription.SubscriptionId, LevelId(niche, 1), 100));
        return new CycledPointer(writer, stale);
    }

    /// <summary>One writer distributes a lead; a duplicate activation that knows the niche's new version but not the lead's fate sends it again.</summary>
    public static async Task<DuplicateActivation> SameLeadTwice(ClusterFixture fixture)
    {
        var s = await Scenario.Start(fixture.Grains);
        var niche = await s.Niche(new Level(1, 1, 100));
        var first = await s.Provider(10_000);
        var second = await s.Provider(10_000);
        var firstSubscription = await s.Subscribe(niche, first, 1);
        var secondSubscription = await s.Subscribe(niche, second, 1);
        var lead = await s.Lead(niche);
        return new DuplicateActivation(new StaleWriter(fixture.Db),
            StaleWriter.Plan(lead, niche, 0, 1, 1, new StaleWriter.Charge(first, firstSubscription.SubscriptionId, LevelId(niche, 1), 100)),
            StaleWriter.Plan(lead, niche, 1, 1, 1, new StaleWriter.Charge(second, secondSubscription.SubscriptionId, LevelId(niche, 1), 100)));
    }

    /// <summary>A plan that charges the same provider twice for one lead, through its subscriptions at two levels.</summary>
    public static async Task<DoubleCharge> OneProviderChargedTwiceForOneLead(ClusterFixture fixture)
    {
        var s = await Scenario.Start(fixture.Grains);
        var niche = await s.Niche(new Level(1, 1, 100), new Level(2, 1, 100));
        var provider = await s.Provider(10_000);
        var one = await s.Subscribe(niche, provider, 1);
        var two = await s.Subscribe(niche, provider, 2);
        var lead = await s.Lead(niche);
        var plan = StaleWriter.Plan(lead, niche, 0, 1, 2,
            new StaleWriter.Charge(provider, one.SubscriptionId, LevelId(niche, 1), 100),
            new StaleWriter.Charge(provider, two.SubscriptionId, LevelId(niche, 2), 100));
        return new DoubleCharge(s, new StaleWriter(fixture.Db), provider, plan);
    }

    public static async Task<long> AssignmentsOf(NpgsqlDataSource db, Guid leadId)
    {
        await using var connection = await db.OpenConnectionAsync();
        return await connection.QuerySingleAsync<long>("SELECT count(*) FROM lead_assignments WHERE lead_id = @leadId", new { leadId });
    }

    /// <summary>Replaces a piece of <c>record_distributions</c> until disposed, when the real function is put back.</summary>
    public static async Task<IAsyncDisposable> BreakFunction(NpgsqlDataSource db, string guard, string replacement)
    {
        await using var connection = await db.OpenConnectionAsync();
        var definition = await connection.QuerySingleAsync<string>("SELECT pg_get_functiondef('record_distributions'::regproc)");
        var broken = definition.Replace(guard, replacement);
        Assert.NotEqual(definition, broken);
        return await Alter(db, broken, definition);
    }

    /// <summary>Runs <paramref name="change"/> now and <paramref name="undo"/> when disposed.</summary>
    public static async Task<IAsyncDisposable> Alter(NpgsqlDataSource db, string change, string undo)
    {
        await using var connection = await db.OpenConnectionAsync();
        await connection.ExecuteAsync(change);
        return new Undo(db, undo);
    }

    private sealed class Undo(NpgsqlDataSource db, string sql) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await using var connection = await db.OpenConnectionAsync();
            await connection.ExecuteAsync(sql);
        }
    }
}
