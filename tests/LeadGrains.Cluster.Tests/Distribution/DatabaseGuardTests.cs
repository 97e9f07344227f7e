using Dapper;
using LeadGrains.Cluster.Tests.Infrastructure;
using Npgsql;
using static LeadGrains.Cluster.Tests.Infrastructure.Scenario;

namespace LeadGrains.Cluster.Tests.Distribution;

/// <summary>
/// The database is the last line of defence: two writers with stale views, driven straight at the
/// store, cannot overdraw a balance, move a niche from a version it left, distribute a lead twice or
/// charge a (lead, provider) twice. <see cref="DatabaseGuardNegativeControlTests"/> removes each
/// guard in turn and shows these checks then fail.
/// </summary>
public sealed class DatabaseGuardTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    [Fact]
    public async Task Two_writers_cannot_overdraw_a_balance_together()
    {
        var setup = await GuardScenarios.TwoNichesSharingAProvider(fixture, balanceCents: 10_000, priceCents: 6_000);

        var rows = await Task.WhenAll(setup.Plans.Select(plan => setup.Writer.Record(plan)));

        Assert.Equal(["insufficient_balance", "recorded"], rows.Select(r => r.Outcome).Order());
        Assert.Equal([4_000L], rows.Single(r => r.Outcome == "insufficient_balance").Balances);
        Assert.Equal(4_000, await setup.Scenario.Balance(setup.ProviderId));
        await fixture.AssertInvariantsHold();
    }

    [Fact]
    public async Task A_plan_made_on_an_old_version_is_refused_even_when_the_pointer_has_cycled_back()
    {
        var setup = await GuardScenarios.PointerCycledBack(fixture);

        var stale = await setup.Writer.Record(setup.StalePlan);

        Assert.Equal("stale", stale.Outcome);
        Assert.Equal(2, stale.Version);
        Assert.Equal(0, await GuardScenarios.AssignmentsOf(fixture.Db, setup.StalePlan.LeadId));
        await fixture.AssertInvariantsHold();
    }

    [Fact]
    public async Task A_lead_already_distributed_is_refused_to_a_duplicate_activation()
    {
        var setup = await GuardScenarios.SameLeadTwice(fixture);

        var first = await setup.Writer.Record(setup.First);
        var duplicate = await setup.Writer.Record(setup.Duplicate);

        Assert.Equal("recorded", first.Outcome);
        Assert.Equal("not_distributable", duplicate.Outcome);
        Assert.Equal("distributed", duplicate.LeadStatus);
        Assert.Equal(1, await GuardScenarios.AssignmentsOf(fixture.Db, setup.First.LeadId));
        await fixture.AssertInvariantsHold();
    }

    [Fact]
    public async Task A_plan_still_queued_when_its_lead_was_dead_lettered_never_commits()
    {
        var setup = await GuardScenarios.SameLeadTwice(fixture);
        await using (var connection = await fixture.Db.OpenConnectionAsync())
        {
            // The lead grain gave up on the lead (its last attempt timed out): it is failed and dead-lettered.
            Assert.Equal("dead_lettered", await connection.QuerySingleAsync<string>(
                "SELECT outcome FROM record_distribution_failure(@LeadId, 'timed out', NULL, now(), 1, ARRAY[1000::bigint])", new { setup.First.LeadId }));
        }

        var orphan = await setup.Writer.Record(setup.First);

        Assert.Equal("not_distributable", orphan.Outcome);
        Assert.Equal("failed", orphan.LeadStatus);
        Assert.Equal(0, await GuardScenarios.AssignmentsOf(fixture.Db, setup.First.LeadId));
    }

    [Fact]
    public async Task A_second_charge_for_the_same_lead_and_provider_is_refused_whole()
    {
        var setup = await GuardScenarios.OneProviderChargedTwiceForOneLead(fixture);

        var refused = await Assert.ThrowsAsync<PostgresException>(() => setup.Writer.Record(setup.Plan));

        Assert.Equal(PostgresErrorCodes.UniqueViolation, refused.SqlState);
        Assert.Equal(0, await GuardScenarios.AssignmentsOf(fixture.Db, setup.Plan.LeadId));
        Assert.Equal(10_000, await setup.Scenario.Balance(setup.ProviderId));
        await fixture.AssertInvariantsHold();
    }
}

/// <summary>Each guard of <c>record_distributions</c> taken out in turn: the checks of <see cref="DatabaseGuardTests"/> then see the damage.</summary>
public sealed class DatabaseGuardNegativeControlTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    [Fact]
    public async Task Without_the_balance_guard_a_second_writer_overdraws_unless_the_check_constraint_stops_it()
    {
        await using var broken = await GuardScenarios.BreakFunction(fixture.Db, "v_ok := v_ok AND coalesce(p_balance[a_p[k]] >= a_price[k], false);", "");
        var setup = await GuardScenarios.TwoNichesSharingAProvider(fixture, balanceCents: 10_000, priceCents: 6_000);

        var rows = await Task.WhenAll(setup.Plans.Select(async plan =>
        {
            try
            {
                return (await setup.Writer.Record(plan)).Outcome;
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.CheckViolation)
            {
                return "check_violation";
            }
        }));

        // The guard's refusal is gone: only the backstop CHECK (balance_cents >= 0) still fails the second writer.
        Assert.Equal(["check_violation", "recorded"], rows.Order());
    }

    [Fact]
    public async Task A_pointer_guard_instead_of_the_version_guard_is_fooled_by_a_pointer_that_cycled_back()
    {
        await using var broken = await GuardScenarios.BreakFunction(fixture.Db,
            "IF n_version[v_niche] <> l_version[j] THEN", "IF n_pointer[v_niche] <> l_start[j] THEN");
        var setup = await GuardScenarios.PointerCycledBack(fixture);

        var stale = await setup.Writer.Record(setup.StalePlan);

        Assert.Equal("recorded", stale.Outcome);
        Assert.Equal(1, await GuardScenarios.AssignmentsOf(fixture.Db, setup.StalePlan.LeadId));
    }

    [Fact]
    public async Task Without_the_lead_status_guard_a_duplicate_activation_distributes_a_lead_twice()
    {
        await using var broken = await GuardScenarios.BreakFunction(fixture.Db,
            "r_status[j] IS DISTINCT FROM 'approved'", "false");
        var setup = await GuardScenarios.SameLeadTwice(fixture);

        await setup.Writer.Record(setup.First);
        var duplicate = await setup.Writer.Record(setup.Duplicate);

        Assert.Equal("recorded", duplicate.Outcome);
        Assert.Equal(2, await GuardScenarios.AssignmentsOf(fixture.Db, setup.First.LeadId));
    }

    [Fact]
    public async Task Without_the_unique_key_a_lead_charges_one_provider_twice()
    {
        var setup = await GuardScenarios.OneProviderChargedTwiceForOneLead(fixture);
        await using var broken = await GuardScenarios.Alter(fixture.Db,
            "ALTER TABLE lead_assignments DROP CONSTRAINT lead_assignments_lead_id_provider_id_key",
            "DELETE FROM lead_assignments WHERE lead_id = '" + setup.Plan.LeadId + "'; ALTER TABLE lead_assignments ADD UNIQUE (lead_id, provider_id)");

        var row = await setup.Writer.Record(setup.Plan);

        Assert.Equal("recorded", row.Outcome);
        await using var connection = await fixture.Db.OpenConnectionAsync();
        Assert.Contains("I3", await connection.QueryAsync<string>("SELECT invariant FROM check_invariants()"));
    }
}
