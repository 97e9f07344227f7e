using Dapper;
using LeadGrains.Abstractions.Jobs;
using LeadGrains.Abstractions.Leads;
using LeadGrains.Abstractions.Niches;
using LeadGrains.Cluster.Tests.Infrastructure;
using LeadGrains.Grains.Distribution;
using static LeadGrains.Cluster.Tests.Infrastructure.Scenario;

namespace LeadGrains.Cluster.Tests.Pipeline;

public sealed class ScheduledJobTests(PipelineClusterFixture fixture) : IClassFixture<PipelineClusterFixture>
{
    private static readonly string[] Jobs = ["subscription-reactivation", "ledger-reconciliation", "lead-expiry", "dead-letter-cleanup", "idempotency-key-cleanup", "lead-contact-purge", "routing-expiry"];

    [Fact]
    public async Task Each_job_has_one_reminder_and_runs_once_per_period_with_two_silos()
    {
        Assert.Equal(2, fixture.Cluster.Silos.Count);
        await using var connection = await fixture.Db.OpenConnectionAsync();
        // Both silos registered every job at start-up; the reminder belongs to the job's grain, so one row each.
        await Eventually.True(async () => await connection.QuerySingleAsync<long>(
            "SELECT count(*) FROM orleansreminderstable WHERE remindername = ANY(@Jobs)", new { Jobs }) == Jobs.Length, "all jobs are scheduled");
        var rows = (await connection.QueryAsync<(string Name, long Period)>(
            "SELECT remindername, period FROM orleansreminderstable WHERE remindername = ANY(@Jobs)", new { Jobs })).ToList();
        Assert.Equal(Jobs.Order(), rows.Select(r => r.Name).Order());
        Assert.Equal((long)TimeSpan.FromMinutes(5).TotalMilliseconds, rows.Single(r => r.Name == "subscription-reactivation").Period);

        // Ticks delivered twice in one period (reminders may do that during ownership changes) run the job once.
        var job = fixture.Grains.GetGrain<IScheduledJobGrain>("dead-letter-cleanup");
        var before = (await job.GetStatus()).Runs;
        await Task.WhenAll(job.Tick(), job.Tick(), job.Tick());
        Assert.Equal(before + 1, (await job.GetStatus()).Runs);
        fixture.Cluster.Advance(TimeSpan.FromDays(7));
        await job.Tick();
        Assert.Equal(before + 2, (await job.GetStatus()).Runs);
    }

    [Fact]
    public async Task Expiry_turns_old_pending_and_never_distributed_leads_into_expired()
    {
        var s = await Scenario.Start(fixture.Grains);
        var niche = await s.Niche(new Level(1, 1, 100));
        await s.Subscribe(niche, await s.Provider(1000), 1);
        var pending = await s.Lead(niche, approve: false);
        var stuck = await s.Lead(niche, approve: false);
        foreach (var (_, interruptions) in fixture.Cluster.OfEverySilo<DistributionInterruptions>())
        {
            interruptions.FailAttempts(stuck, 1);
        }
        await fixture.Grains.GetGrain<ILeadGrain>(stuck).Approve("test");      // fails once: approved, retry scheduled
        var distributed = await s.Lead(niche, approve: false);
        await fixture.Grains.GetGrain<ILeadGrain>(distributed).Approve("test");
        await Eventually.True(async () => await fixture.LeadStatus(distributed) == LeadStatus.Distributed && await fixture.FailedAttempts(stuck) == 1, "setup settled");

        await fixture.Grains.GetGrain<IScheduledJobGrain>("lead-expiry").RunNow();
        Assert.Equal(LeadStatus.Pending, await fixture.LeadStatus(pending));               // not yet 90 days old

        fixture.Cluster.Advance(TimeSpan.FromDays(91));
        var run = await fixture.Grains.GetGrain<IScheduledJobGrain>("lead-expiry").RunNow();

        Assert.StartsWith("expired", run.LastOutcome);
        Assert.Equal(LeadStatus.Expired, await fixture.LeadStatus(pending));
        Assert.Equal(LeadStatus.Expired, await fixture.LeadStatus(stuck));
        Assert.Equal(LeadStatus.Distributed, await fixture.LeadStatus(distributed));
        Assert.Equal(DistributeOutcome.NotDistributable, (await fixture.Grains.GetGrain<ILeadGrain>(stuck).Distribute("ops")).Outcome);
    }

    [Fact]
    public async Task Lead_contact_data_is_erased_after_its_retention_and_the_lead_kept()
    {
        var s = await Scenario.Start(fixture.Grains);
        var niche = await s.Niche(new Level(1, 1, 100));
        await s.Subscribe(niche, await s.Provider(1000), 1);
        var distributed = await s.Lead(niche, approve: false);
        await fixture.Grains.GetGrain<ILeadGrain>(distributed).Approve("test");
        var pending = await s.Lead(niche, approve: false);
        await Eventually.True(async () => await fixture.LeadStatus(distributed) == LeadStatus.Distributed, "distributed");
        var purge = fixture.Grains.GetGrain<IScheduledJobGrain>("lead-contact-purge");

        await purge.RunNow();
        Assert.NotEqual("", await Contact(distributed));                          // younger than its retention (180 days)
        fixture.Cluster.Advance(TimeSpan.FromDays(181));
        var run = await purge.RunNow();

        Assert.StartsWith("purged", run.LastOutcome);
        Assert.Equal("", await Contact(distributed));
        Assert.Equal(LeadStatus.Distributed, await fixture.LeadStatus(distributed));
        Assert.NotEqual("", await Contact(pending));                              // not settled yet: kept
        await fixture.AssertInvariantsHold();
    }

    private async Task<string> Contact(Guid lead)
    {
        await using var connection = await fixture.Db.OpenConnectionAsync();
        return await connection.QuerySingleAsync<string>(
            "SELECT first_name || last_name || email || phone || dedupe_hash || CASE WHEN attributes = '{}' THEN '' ELSE attributes::text END FROM leads WHERE id = @lead",
            new { lead });
    }

    [Fact]
    public async Task Reconciliation_reports_a_balance_altered_behind_its_back_and_changes_no_money()
    {
        var s = await Scenario.Start(fixture.Grains);
        var provider = await s.Provider(1000);
        await using var connection = await fixture.Db.OpenConnectionAsync();
        await connection.ExecuteAsync("UPDATE providers SET balance_cents = balance_cents + 555 WHERE id = @provider", new { provider });

        var run = await fixture.Grains.GetGrain<IScheduledJobGrain>("ledger-reconciliation").RunNow();

        Assert.Contains("discrepanc", run.LastOutcome);
        var reported = await connection.QuerySingleAsync<string>(
            "SELECT metadata->>'detail' FROM audit_log WHERE action = 'ledger.discrepancy' AND target_id = @id", new { id = provider.ToString() });
        Assert.Contains("balance 1555", reported);
        Assert.Equal(1555, await s.Balance(provider));                                  // reported, never "corrected"
        await connection.ExecuteAsync("UPDATE providers SET balance_cents = balance_cents - 555 WHERE id = @provider", new { provider });
    }

    [Fact]
    public async Task Reactivation_restores_a_paused_subscription_its_provider_can_pay_for()
    {
        var s = await Scenario.Start(fixture.Grains);
        var niche = await s.Niche(new Level(1, 1, 100));
        var provider = await s.Provider(1000);
        var subscription = await s.Subscribe(niche, provider, 1);
        await using var connection = await fixture.Db.OpenConnectionAsync();
        // A pause the deposit path missed (e.g. written while a silo was failing over).
        await connection.ExecuteAsync("UPDATE subscriptions SET status = 'paused_insufficient_balance' WHERE id = @id", new { id = subscription.SubscriptionId });
        await fixture.Grains.GetGrain<INicheGrain>(niche.NicheId).RefreshSubscriptions([subscription.SubscriptionId]);

        var run = await fixture.Grains.GetGrain<IScheduledJobGrain>("subscription-reactivation").RunNow();

        Assert.StartsWith("reactivated", run.LastOutcome);
        Assert.Equal("active", await connection.QuerySingleAsync<string>("SELECT status FROM subscriptions WHERE id = @id", new { id = subscription.SubscriptionId }));
        var lead = await s.Lead(niche, approve: false);
        await fixture.Grains.GetGrain<ILeadGrain>(lead).Approve("test");
        await Eventually.True(async () => await fixture.LeadStatus(lead) == LeadStatus.Distributed, "the reactivated subscription was served");
    }

    [Fact]
    public async Task Dead_letter_cleanup_deletes_only_resolved_entries_older_than_thirty_days()
    {
        var s = await Scenario.Start(fixture.Grains);
        var niche = await s.Niche(new Level(1, 1, 100));
        var lead = await s.Lead(niche, approve: false);
        await using var connection = await fixture.Db.OpenConnectionAsync();
        var now = fixture.Cluster.Now();
        var old = Guid.NewGuid();
        var recent = Guid.NewGuid();
        var open = Guid.NewGuid();
        foreach (var (id, resolved, age) in new[] { (old, true, 40.0), (recent, true, 5.0), (open, false, 400.0) })
        {
            await connection.ExecuteAsync("""
                INSERT INTO dead_letters (id, queue_name, job_id, lead_id, payload, error_message, attempts, failed_at, resolved, resolved_at)
                VALUES (@id, 'distribution', @id::text, @lead, '{}', 'boom', 5, @at, @resolved, CASE WHEN @resolved THEN @at END)
                """, new { id, lead, resolved, at = now - TimeSpan.FromDays(age) });
        }

        await fixture.Grains.GetGrain<IScheduledJobGrain>("dead-letter-cleanup").RunNow();

        var left = (await connection.QueryAsync<Guid>("SELECT id FROM dead_letters WHERE lead_id = @lead", new { lead })).ToHashSet();
        Assert.Equal(new HashSet<Guid> { recent, open }, left);
    }

    [Fact]
    public async Task Idempotency_keys_older_than_seven_days_are_deleted()
    {
        await using var connection = await fixture.Db.OpenConnectionAsync();
        var now = fixture.Cluster.Now();
        var workspace = Guid.NewGuid();
        foreach (var (key, age) in new[] { ("old", 8.0), ("recent", 6.0) })
        {
            await connection.ExecuteAsync("""
                INSERT INTO api_idempotency_keys (workspace_id, idempotency_key, request_hash, created_at)
                VALUES (@workspace, @key, 'hash', @at)
                """, new { workspace, key, at = now - TimeSpan.FromDays(age) });
        }

        await fixture.Grains.GetGrain<IScheduledJobGrain>("idempotency-key-cleanup").RunNow();

        var left = await connection.QueryAsync<string>("SELECT idempotency_key FROM api_idempotency_keys WHERE workspace_id = @workspace", new { workspace });
        Assert.Equal(["recent"], left);
    }
}
