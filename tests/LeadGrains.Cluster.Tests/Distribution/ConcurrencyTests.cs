using Dapper;
using LeadGrains.Abstractions.Providers;
using LeadGrains.Cluster.Tests.Infrastructure;
using static LeadGrains.Cluster.Tests.Infrastructure.Scenario;

namespace LeadGrains.Cluster.Tests.Distribution;

public sealed class ConcurrencyTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    [Fact]
    public async Task Two_hundred_concurrent_distributions_in_one_niche_keep_every_invariant()
    {
        var run = await new ConcurrentDistributionHarness(fixture).Run(nicheCount: 1);

        Assert.Empty(run.MoneyViolations);                                             // I1-I4
        await DistributionInvariants.AssertNoLeadLeftApproved(fixture.Db, run.Leads);  // I5
        await DistributionInvariants.AssertRotationCycles(fixture.Db, run.Niches[0].NicheId); // I6
        await AssertLeastRecentlyServedWasFollowed(run);                               // I7
    }

    [Fact]
    public async Task Two_hundred_concurrent_distributions_across_twenty_niches_keep_every_invariant()
    {
        var run = await new ConcurrentDistributionHarness(fixture).Run(nicheCount: 20);

        Assert.Empty(run.MoneyViolations);
        await DistributionInvariants.AssertNoLeadLeftApproved(fixture.Db, run.Leads);
        foreach (var niche in run.Niches)
        {
            await DistributionInvariants.AssertRotationCycles(fixture.Db, niche.NicheId);
        }
        await AssertLeastRecentlyServedWasFollowed(run);
    }

    [Fact]
    public async Task Concurrent_charges_for_the_same_lead_and_provider_charge_once()
    {
        var s = await Scenario.Start(fixture.Grains);
        var niche = await s.Niche(new Level(1, 1, 700));
        var provider = await s.Provider(10_000);
        var subscription = await s.Subscribe(niche, provider, 1);
        var lead = await s.Lead(niche);
        var runId = Guid.NewGuid();
        await using (var connection = await fixture.Db.OpenConnectionAsync())
        {
            // The attempt the charges belong to, as the niche grain would have begun it.
            Assert.Equal("started", await connection.QuerySingleAsync<string>(
                "SELECT outcome FROM begin_distribution(@runId, @lead, @niche, 1, 1, 1, now())", new { runId, lead, niche = niche.NicheId }));
        }
        var request = new ChargeRequest(lead, subscription.SubscriptionId, LevelId(niche, 1), niche.NicheId, 700, runId);

        // Two callers through the grain ...
        var throughGrain = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => fixture.Grains.GetGrain<IProviderGrain>(provider).ChargeForAssignment(request)));
        // ... and eight more straight at the database, as duplicate activations would.
        var direct = await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
        {
            await using var connection = await fixture.Db.OpenConnectionAsync();
            return await connection.QuerySingleAsync<string>(
                "SELECT outcome FROM charge_for_assignment(gen_random_uuid(), @lead, @provider, @subscription, @level, @niche, 700, now())",
                new { lead, provider, subscription = subscription.SubscriptionId, level = LevelId(niche, 1), niche = niche.NicheId });
        }));

        Assert.Equal(1, throughGrain.Count(r => r.Outcome == ChargeOutcome.Charged));
        Assert.Equal(1, throughGrain.Count(r => r.Outcome == ChargeOutcome.Duplicate));
        Assert.All(direct, outcome => Assert.Equal("duplicate", outcome));
        Assert.Equal(9_300, await s.Balance(provider));
        await fixture.AssertInvariantsHold();
    }

    /// <summary>
    /// I7, replayed: with ample balances and no filters the outcome of each lead depends only on the
    /// order its niche handled the leads, so the reference model fed the same order must pick the same providers.
    /// </summary>
    private async Task AssertLeastRecentlyServedWasFollowed(ConcurrentDistributionHarness.Findings run)
    {
        await using var connection = await fixture.Db.OpenConnectionAsync();
        foreach (var niche in run.Niches)
        {
            var model = new ReferenceModel();
            var subscriptions = (await connection.QueryAsync<(Guid Id, Guid ProviderId, Guid LevelId)>(
                "SELECT id, provider_id, level_id FROM subscriptions WHERE niche_id = @NicheId", new { niche.NicheId })).ToList();
            foreach (var provider in subscriptions.Select(x => x.ProviderId).Distinct())
            {
                model.AddProvider(provider, long.MaxValue / 2);
            }
            model.AddNiche(niche.NicheId, niche.Levels.Select(l => new ReferenceModel.Level(l.LevelId, niche.NicheId, l.OrderPosition, l.MaxRecipients, l.PriceCents, l.IsActive)));
            foreach (var x in subscriptions)
            {
                model.AddSubscription(new ReferenceModel.Subscription(x.Id, x.ProviderId, x.LevelId, null));
            }
            var leadsInOrder = await connection.QueryAsync<Guid>(
                "SELECT lead_id FROM distribution_runs WHERE niche_id = @NicheId AND attempt = 1 ORDER BY seq", new { niche.NicheId });
            foreach (var lead in leadsInOrder)
            {
                var expected = model.Distribute(niche.NicheId, "TX").Assignments.Select(a => a.ProviderId).Order();
                var actual = await connection.QueryAsync<Guid>("SELECT provider_id FROM lead_assignments WHERE lead_id = @lead ORDER BY provider_id", new { lead });
                Assert.Equal(expected, actual);
            }
        }
    }
}

/// <summary>
/// The same 200-lead harness against a deliberately broken charge (read the balance, then write
/// read-minus-price, without the row lock). The side deposits then get overwritten, and the
/// invariant checks must notice: proof that the concurrency tests above can catch this class of bug.
/// </summary>
public sealed class BrokenVariantTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    [Fact]
    public async Task A_read_then_write_balance_is_caught_by_the_concurrency_checks()
    {
        await InstallReadThenWriteCharge();

        var run = await new ConcurrentDistributionHarness(fixture).Run(nicheCount: 1, leadCount: 120, providerCount: 6);

        Assert.Contains(run.MoneyViolations, v => v.Invariant == "I1");
    }

    private async Task InstallReadThenWriteCharge()
    {
        await using var connection = await fixture.Db.OpenConnectionAsync();
        await connection.ExecuteAsync("""
            CREATE OR REPLACE FUNCTION charge_for_assignment(
                p_assignment_id uuid, p_lead_id uuid, p_provider_id uuid, p_subscription_id uuid,
                p_level_id uuid, p_niche_id uuid, p_price_cents bigint, p_now timestamptz)
            RETURNS TABLE (outcome text, assignment_id uuid, balance_cents bigint, paused_subscription_ids uuid[])
            LANGUAGE plpgsql AS $$
            DECLARE v_balance bigint;
            BEGIN
                SELECT p.balance_cents INTO v_balance FROM providers p WHERE p.id = p_provider_id;  -- no FOR UPDATE
                PERFORM pg_sleep(0.003);
                IF v_balance < p_price_cents THEN
                    RETURN QUERY SELECT 'insufficient_balance'::text, NULL::uuid, v_balance, ARRAY[]::uuid[];
                    RETURN;
                END IF;
                INSERT INTO lead_assignments (id, lead_id, provider_id, subscription_id, level_id, niche_id, price_cents, assigned_at)
                VALUES (p_assignment_id, p_lead_id, p_provider_id, p_subscription_id, p_level_id, p_niche_id, p_price_cents, p_now);
                UPDATE providers SET balance_cents = v_balance - p_price_cents WHERE id = p_provider_id;
                INSERT INTO ledger_entries (id, provider_id, kind, amount_cents, lead_id, assignment_id, idempotency_key, balance_after_cents, created_at)
                VALUES (gen_random_uuid(), p_provider_id, 'charge', -p_price_cents, p_lead_id, p_assignment_id, 'charge:' || p_lead_id,
                        v_balance - p_price_cents, p_now);
                UPDATE subscriptions SET last_received_at = p_now WHERE id = p_subscription_id;
                RETURN QUERY SELECT 'charged'::text, p_assignment_id, v_balance - p_price_cents, ARRAY[]::uuid[];
            END $$;
            """);
    }
}
