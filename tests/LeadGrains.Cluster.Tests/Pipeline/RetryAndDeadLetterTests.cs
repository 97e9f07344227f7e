using Dapper;
using LeadGrains.Abstractions.Leads;
using LeadGrains.Abstractions.Queues;
using LeadGrains.Cluster.Tests.Infrastructure;
using LeadGrains.Grains.Distribution;
using static LeadGrains.Cluster.Tests.Infrastructure.Scenario;

namespace LeadGrains.Cluster.Tests.Pipeline;

public sealed class RetryAndDeadLetterTests(PipelineClusterFixture fixture) : IClassFixture<PipelineClusterFixture>
{
    [Fact]
    public async Task Approval_queues_a_distribution_that_runs_without_a_trigger()
    {
        var s = await Scenario.Start(fixture.Grains);
        var niche = await s.Niche(new Level(1, 1, 100));
        await s.Subscribe(niche, await s.Provider(1000), 1);

        var lead = await s.Lead(niche, approve: false);
        var approved = await fixture.Grains.GetGrain<ILeadGrain>(lead).Approve("approver:bob");

        Assert.True(approved.DistributionQueued);
        await Eventually.True(async () => await fixture.LeadStatus(lead) == LeadStatus.Distributed, "the queued distribution ran");
        await fixture.AssertInvariantsHold();
    }

    [Fact]
    public async Task A_transient_fault_on_two_attempts_succeeds_on_the_third_at_the_scheduled_times()
    {
        var s = await Scenario.Start(fixture.Grains);
        var niche = await s.Niche(new Level(1, 1, 100));
        await s.Subscribe(niche, await s.Provider(1000), 1);
        var lead = await s.Lead(niche, approve: false);
        Arm(i => i.FailAttempts(lead, 2));

        await fixture.Grains.GetGrain<ILeadGrain>(lead).Approve("test");
        await Eventually.True(async () => await Runs(lead) == 1 && await fixture.FailedAttempts(lead) == 1, "attempt 1 failed");

        fixture.Cluster.Advance(TimeSpan.FromSeconds(4.5));
        Assert.DoesNotContain(lead, await fixture.Sweep());         // not due before its 5 s backoff
        fixture.Cluster.Advance(TimeSpan.FromSeconds(0.6));
        Assert.Contains(lead, await fixture.Sweep());
        await Eventually.True(async () => await fixture.FailedAttempts(lead) == 2, "attempt 2 failed");

        fixture.Cluster.Advance(TimeSpan.FromSeconds(14.5));
        Assert.DoesNotContain(lead, await fixture.Sweep());         // nor before its 15 s backoff
        fixture.Cluster.Advance(TimeSpan.FromSeconds(0.6));
        Assert.Contains(lead, await fixture.Sweep());
        await Eventually.True(async () => await fixture.LeadStatus(lead) == LeadStatus.Distributed, "attempt 3 succeeded");

        var starts = await RunStarts(lead);
        Assert.Equal(3, starts.Count);
        Assert.InRange((starts[1] - starts[0]).TotalSeconds, 5, 5.5);
        Assert.InRange((starts[2] - starts[1]).TotalSeconds, 15, 15.5);
        Assert.Equal(3, (await fixture.Grains.GetGrain<ILeadGrain>(lead).Get())!.DistributionAttempts);
        await fixture.AssertInvariantsHold();
    }

    [Fact]
    public async Task A_permanent_fault_dead_letters_after_five_attempts_and_a_retry_distributes_once()
    {
        var s = await Scenario.Start(fixture.Grains);
        var niche = await s.Niche(new Level(1, 2, 100));
        var a = await s.Provider(1000);
        var b = await s.Provider(1000);
        await s.Subscribe(niche, a, 1);
        await s.Subscribe(niche, b, 1);
        var lead = await s.Lead(niche, approve: false);
        Arm(i => i.FailAttempts(lead, 1000));

        await fixture.Grains.GetGrain<ILeadGrain>(lead).Approve("test");
        await Eventually.True(async () => await fixture.FailedAttempts(lead) == 1, "attempt 1 failed");
        var attempt = 1;
        foreach (var backoff in new[] { 5, 15, 45, 120 })
        {
            // A second more than the backoff: each silo's virtual clock also ticks a microsecond per reading.
            fixture.Cluster.Advance(TimeSpan.FromSeconds(backoff + 1));
            Assert.Contains(lead, await fixture.Sweep());
            attempt++;
            await Eventually.True(async () => await fixture.FailedAttempts(lead) == attempt, $"attempt {attempt}, after {backoff} s, failed");
        }

        // I5: the lead ends failed, with its dead letter.
        Assert.Equal(LeadStatus.Failed, await fixture.LeadStatus(lead));
        var queue = fixture.Grains.GetGrain<IDeadLetterQueueGrain>(s.WorkspaceId);
        var entry = Assert.Single((await queue.List(1, 50, resolved: false)).Items);
        Assert.Equal((lead, 5, "distribution"), (entry.LeadId!.Value, entry.Attempts, entry.QueueName));
        Assert.Contains("DistributionInterruptedException", entry.ErrorMessage);
        Assert.False(string.IsNullOrEmpty(entry.StackTrace));
        Assert.Contains(lead.ToString(), entry.Payload);
        Assert.Equal(1, (await queue.Status()).DlqSize);
        Assert.Equal(5, await Runs(lead));
        Assert.Equal(0, await Assignments(lead));

        Arm(i => i.Disarm(lead));
        var retried = await queue.Retry(entry.Id, "ops:carol");
        var again = await queue.Retry(entry.Id, "ops:carol");

        Assert.Equal(DeadLetterOutcome.Done, retried.Outcome);
        Assert.Equal(DeadLetterOutcome.AlreadyResolved, again.Outcome);
        Assert.True(retried.Entry!.Resolved);
        Assert.Equal("ops:carol", retried.Entry.ResolvedBy);
        await Eventually.True(async () => await fixture.LeadStatus(lead) == LeadStatus.Distributed, "the retried lead was distributed");
        Assert.Equal(2, await Assignments(lead));
        Assert.Equal(900, await s.Balance(a));
        Assert.Equal(900, await s.Balance(b));
        Assert.Equal(0, (await queue.Status()).DlqSize);
        await fixture.AssertInvariantsHold();
    }

    [Fact]
    public async Task Resolving_a_dead_letter_marks_it_without_retrying_and_an_unknown_one_is_not_found()
    {
        var s = await Scenario.Start(fixture.Grains);
        var niche = await s.Niche(new Level(1, 1, 100));
        var lead = await s.Lead(niche, approve: false);
        Arm(i => i.FailAttempts(lead, 1000));
        await fixture.Grains.GetGrain<ILeadGrain>(lead).Approve("test");
        await using (var connection = await fixture.Db.OpenConnectionAsync())
        {
            await Eventually.True(async () => await fixture.FailedAttempts(lead) == 1, "attempt 1 failed");
            // Skip the waiting: make this the last attempt of the round.
            await connection.ExecuteAsync("UPDATE leads SET failed_attempts = 4, next_attempt_at = now() - interval '1 day' WHERE id = @lead", new { lead });
        }
        fixture.Cluster.Advance(TimeSpan.FromSeconds(1));
        await fixture.Sweep();
        await Eventually.True(async () => await fixture.LeadStatus(lead) == LeadStatus.Failed, "the lead failed");
        var queue = fixture.Grains.GetGrain<IDeadLetterQueueGrain>(s.WorkspaceId);
        var entry = Assert.Single((await queue.List(1, 10, null)).Items);

        var resolved = await queue.Resolve(entry.Id, "ops:dan", "customer withdrew");

        Assert.Equal(DeadLetterOutcome.Done, resolved.Outcome);
        Assert.Equal(("ops:dan", "customer withdrew"), (resolved.Entry!.ResolvedBy, resolved.Entry.ResolutionNote));
        Assert.Equal(LeadStatus.Failed, await fixture.LeadStatus(lead));
        Assert.Equal(DeadLetterOutcome.NotFound, (await queue.Resolve(Guid.NewGuid(), "ops:dan", null)).Outcome);
        Assert.Null(await fixture.Grains.GetGrain<IDeadLetterQueueGrain>(Guid.NewGuid()).Get(entry.Id));   // another workspace
        Assert.Single((await queue.List(1, 10, resolved: true)).Items);
        Assert.Empty((await queue.List(1, 10, resolved: false)).Items);
    }

    private void Arm(Action<DistributionInterruptions> arm)
    {
        foreach (var (_, interruptions) in fixture.Cluster.OfEverySilo<DistributionInterruptions>())
        {
            arm(interruptions);
        }
    }



    private async Task<long> Runs(Guid lead)
    {
        await using var connection = await fixture.Db.OpenConnectionAsync();
        return await connection.QuerySingleAsync<long>("SELECT count(*) FROM distribution_runs WHERE lead_id = @lead AND status <> 'running'", new { lead });
    }

    private async Task<long> Assignments(Guid lead)
    {
        await using var connection = await fixture.Db.OpenConnectionAsync();
        return await connection.QuerySingleAsync<long>("SELECT count(*) FROM lead_assignments WHERE lead_id = @lead", new { lead });
    }

    private async Task<List<DateTime>> RunStarts(Guid lead)
    {
        await using var connection = await fixture.Db.OpenConnectionAsync();
        return (await connection.QueryAsync<DateTime>("SELECT started_at FROM distribution_runs WHERE lead_id = @lead ORDER BY attempt", new { lead })).ToList();
    }
}
