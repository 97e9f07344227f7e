using System.Collections.Concurrent;
using Dapper;
using LeadGrains.Abstractions.Leads;
using LeadGrains.Cluster.Tests.Infrastructure;
using Npgsql;
using Orleans.Runtime;
using Orleans.TestingHost;
using static LeadGrains.Cluster.Tests.Infrastructure.Scenario;

namespace LeadGrains.Cluster.Tests.Distribution;

/// <summary>Silos whose commands time out after 2 s (<c>LeadGrains:Database:CommandTimeout</c>).</summary>
public sealed class ShortCommandTimeoutClusterFixture : ClusterFixture
{
    protected override void Configure(TestClusterBuilder builder) =>
        builder.Properties["LeadGrains:Database:CommandTimeout"] = "00:00:02";
}

/// <summary>Alone: it counts every group commit of the process, so no other test may commit meanwhile.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class DatabaseFaultCollection : ICollectionFixture<ShortCommandTimeoutClusterFixture>
{
    public const string Name = "database faults";
}

/// <summary>
/// A database that stops answering fails a whole group commit at once: the group's distributions
/// are not retried one by one, each into the same timeout.
/// </summary>
[Collection(DatabaseFaultCollection.Name)]
public sealed class DatabaseFaultTests(ShortCommandTimeoutClusterFixture fixture)
{
    [Fact]
    public async Task A_group_commit_that_times_out_fails_all_its_distributions_together()
    {
        var s = await Scenario.Start(fixture.Grains);
        var niche = await s.Niche(new Level(1, 2, 100));
        for (var i = 0; i < 4; i++)
        {
            await s.Subscribe(niche, await s.Provider(1_000_000), 1);
        }
        var leads = new List<Guid>();
        for (var i = 0; i < 8; i++)
        {
            leads.Add(await s.Lead(niche));
        }
        var groups = new ConcurrentBag<(int Size, string Outcome)>();
        using var listener = GroupCommitListener.Start(groups);

        // The niche's row lock, held by another transaction: record_distributions waits on it until the command times out.
        await using (var blocker = await fixture.Db.OpenConnectionAsync())
        await using (var blocking = await blocker.BeginTransactionAsync())
        {
            await blocker.ExecuteAsync("SELECT 1 FROM niches WHERE id = @id FOR UPDATE", new { id = niche.NicheId }, blocking);
            var outcomes = await Task.WhenAll(leads.Select(async lead =>
            {
                try
                {
                    return (await s.Distribute(lead)).Outcome.ToString();
                }
                catch (Exception error)
                {
                    return error.GetType().Name;
                }
            }));
            await blocking.RollbackAsync();
            Assert.DoesNotContain(nameof(DistributeOutcome.Completed), outcomes);
        }

        var failed = groups.Where(g => g.Outcome == "failed").ToList();
        Assert.DoesNotContain(groups, g => g.Outcome == "committed");
        Assert.Contains(failed, g => g.Size > 1);                       // leads did share a transaction ...
        Assert.Equal(leads.Count, failed.Sum(g => g.Size));             // ... and each was sent once: no lead-by-lead retry
        foreach (var lead in leads)
        {
            Assert.Equal(DistributeOutcome.Completed, (await s.Distribute(lead)).Outcome);
        }
        await fixture.AssertInvariantsHold();
    }

    [Fact]
    public async Task A_commit_lane_whose_connection_is_ended_mid_group_opens_a_new_one_for_the_next_group()
    {
        var s = await Scenario.Start(fixture.Grains);
        var niche = await s.Niche(new Level(1, 2, 100));
        await s.Subscribe(niche, await s.Provider(1_000_000), 1);
        Assert.Equal(DistributeOutcome.Completed, (await s.Distribute(await s.Lead(niche))).Outcome);
        var lead = await s.Lead(niche);

        // The lane keeps its connection from one group to the next. Hold the niche's row so the next group
        // waits inside record_distributions, then end that backend, as a failing or restarted server would.
        await using (var blocker = await fixture.Db.OpenConnectionAsync())
        await using (var blocking = await blocker.BeginTransactionAsync())
        {
            await blocker.ExecuteAsync("SELECT 1 FROM niches WHERE id = @id FOR UPDATE", new { id = niche.NicheId }, blocking);
            var attempt = s.Distribute(lead);
            var ended = 0;
            for (var waited = 0; ended == 0 && waited < 100; waited++)
            {
                await Task.Delay(100);
                ended = await EndBackends(blocker, "wait_event_type = 'Lock' AND query LIKE '%FROM record_distributions(%'", blocking);
            }
            Assert.Equal(1, ended);
            await Assert.ThrowsAnyAsync<Exception>(() => attempt);
            await blocking.RollbackAsync();
        }

        // Had the lane kept the dead connection, every later group would fail on it.
        Assert.Equal(DistributeOutcome.Completed, (await s.Distribute(lead)).Outcome);
        Assert.Equal(DistributeOutcome.Completed, (await s.Distribute(await s.Lead(niche))).Outcome);
        await fixture.AssertInvariantsHold();
    }

    [Fact]
    public async Task A_lead_row_reader_whose_connection_was_ended_reads_on_a_new_one()
    {
        var s = await Scenario.Start(fixture.Grains);
        var niche = await s.Niche(new Level(1, 2, 100));
        await s.Subscribe(niche, await s.Provider(1_000_000), 1);
        var leads = new List<Guid>();
        for (var i = 0; i < 4; i++)
        {
            leads.Add(await s.Lead(niche));
        }
        await fixture.Grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);   // the next call to a lead reads its row
        Assert.NotNull(await fixture.Grains.GetGrain<ILeadGrain>(leads[0]).Get());

        // Each silo's reader keeps its connection between reads: end those backends, as a failing or restarted server would.
        await using (var admin = await fixture.Db.OpenConnectionAsync())
        {
            var ended = await EndBackends(admin, "query LIKE '%FROM leads WHERE id = ANY(%'");
            Assert.True(ended >= 1, "no lead reader's connection was found to end");
        }

        // A read changes nothing, so the reader reads again on a fresh connection: no activation fails.
        Assert.Equal(LeadStatus.Approved, (await fixture.Grains.GetGrain<ILeadGrain>(leads[1]).Get())!.Status);
        Assert.Equal(LeadStatus.Approved, (await fixture.Grains.GetGrain<ILeadGrain>(leads[2]).Get())!.Status);
        Assert.Equal(DistributeOutcome.Completed, (await s.Distribute(leads[3])).Outcome);
    }

    /// <summary>Ends the backends of the test's database (not the asking one) that match <paramref name="condition"/> on <c>pg_stat_activity</c>; returns how many.</summary>
    private static Task<int> EndBackends(NpgsqlConnection connection, string condition, NpgsqlTransaction? transaction = null) =>
        connection.QuerySingleAsync<int>($"""
            WITH matching AS MATERIALIZED (
                SELECT pid FROM pg_stat_activity
                 WHERE datname = current_database() AND pid <> pg_backend_pid() AND {condition})
            SELECT count(*)::int FROM matching WHERE pg_terminate_backend(pid)
            """, transaction: transaction);
}
