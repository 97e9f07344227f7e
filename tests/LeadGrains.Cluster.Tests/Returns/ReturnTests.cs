using Dapper;
using LeadGrains.Abstractions.Providers;
using LeadGrains.Abstractions.Returns;
using LeadGrains.Cluster.Tests.Infrastructure;
using static LeadGrains.Cluster.Tests.Infrastructure.ReturnScenarios;

namespace LeadGrains.Cluster.Tests.Returns;

/// <summary>
/// Bad-lead returns on a real cluster and database, in virtual business time: the window, the
/// return-rate limit, the refund (once, audited, with the balance rules) and what the niches make of it.
/// </summary>
public sealed class ReturnTests(ReturnsClusterFixture fixture) : IClassFixture<ReturnsClusterFixture>
{
    private IProviderGrain ProviderGrain(Guid id) => fixture.Grains.GetGrain<IProviderGrain>(id);

    [Fact]
    public async Task A_return_waits_for_review_and_its_approval_refunds_the_price_once_with_an_audit_row()
    {
        var s = await Scenario.Start(fixture.Grains);
        var (provider, assignment, _) = await Bought(s, 10_000);

        var requested = await ProviderGrain(provider).RequestReturn(Request(assignment));
        Assert.Equal(ReturnRequestOutcome.PendingReview, requested.Outcome);
        Assert.Equal(("pending", "review_required"), (requested.Return!.Status, requested.Return.ReviewReason));
        Assert.Equal(7_500, await s.Balance(provider));

        var approved = await ProviderGrain(provider).DecideReturn(Approve(requested.Return.ReturnId));
        var again = await ProviderGrain(provider).DecideReturn(Approve(requested.Return.ReturnId, "admin:bob"));

        Assert.Equal(ReturnDecisionOutcome.Approved, approved.Outcome);
        Assert.Equal(10_000, approved.BalanceCents);
        Assert.Equal(ReturnDecisionOutcome.AlreadyApproved, again.Outcome);
        Assert.Equal(approved.Return!.RefundEntryId, again.Return!.RefundEntryId);
        Assert.Equal(10_000, await s.Balance(provider));
        await using var connection = await fixture.Db.OpenConnectionAsync();
        Assert.Equal([("refund", 2_500L)], await connection.QueryAsync<(string, long)>(
            "SELECT kind, amount_cents FROM ledger_entries WHERE assignment_id = @assignment", new { assignment }));
        Assert.Equal([("admin:alice", 2_500L, 10_000L)], await connection.QueryAsync<(string, long, long)>("""
            SELECT actor, (metadata ->> 'amount_cents')::bigint, (metadata ->> 'balance_cents')::bigint
              FROM audit_log WHERE action = 'return.approved' AND target_id = @id
            """, new { id = requested.Return.ReturnId.ToString() }));
        await fixture.AssertInvariantsHold();
    }

    [Fact]
    public async Task A_refund_approved_twice_concurrently_credits_once()
    {
        var s = await Scenario.Start(fixture.Grains);
        var (provider, assignment, _) = await Bought(s, 10_000);
        var returned = (await ProviderGrain(provider).RequestReturn(Request(assignment))).Return!;

        var decisions = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            ProviderGrain(provider).DecideReturn(Approve(returned.ReturnId, $"admin:{i}"))));

        Assert.Single(decisions, d => d.Outcome == ReturnDecisionOutcome.Approved);
        Assert.All(decisions, d => Assert.Contains(d.Outcome, new[] { ReturnDecisionOutcome.Approved, ReturnDecisionOutcome.AlreadyApproved }));
        Assert.Equal(10_000, await s.Balance(provider));
        await fixture.AssertInvariantsHold();
    }

    [Fact]
    public async Task The_money_function_driven_twice_at_once_from_two_connections_credits_once()
    {
        // Past the grain's serial turns (a duplicate activation, two silos): only refund_return's row lock and status check stand between.
        var s = await Scenario.Start(fixture.Grains);
        var (provider, assignment, _) = await Bought(s, 10_000);
        var returned = (await ProviderGrain(provider).RequestReturn(Request(assignment))).Return!;

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 2).Select(async i =>
        {
            await using var connection = await fixture.Db.OpenConnectionAsync();
            return await connection.QuerySingleAsync<string>(
                "SELECT outcome FROM refund_return(@id, @entry, @actor, NULL, now())", new { id = returned.ReturnId, entry = Guid.NewGuid(), actor = $"writer {i}" });
        }));

        Assert.Equal(["already_approved", "refunded"], outcomes.Order());
        Assert.Equal(10_000, await s.Balance(provider));
        await fixture.AssertInvariantsHold();
    }

    [Fact]
    public async Task A_return_after_the_window_is_refused_and_one_at_its_last_instant_is_taken()
    {
        var s = await Scenario.Start(fixture.Grains);
        var (provider, late, _) = await Bought(s, 10_000);
        var (other, onTime, _) = await Bought(s, 10_000);
        var window = TimeSpan.FromHours(72);
        await using var connection = await fixture.Db.OpenConnectionAsync();
        var lastAssignedAt = await connection.QuerySingleAsync<DateTime>(
            "SELECT max(assigned_at) FROM lead_assignments WHERE id = ANY(@ids)", new { ids = new[] { late, onTime } });

        // To a few milliseconds before the later assignment's window ends (each clock reading moves it on a microsecond).
        fixture.Cluster.Advance(new DateTimeOffset(lastAssignedAt, TimeSpan.Zero) + window - fixture.Cluster.Now() - TimeSpan.FromMilliseconds(5));
        var inTime = await ProviderGrain(other).RequestReturn(Request(onTime));
        fixture.Cluster.Advance(TimeSpan.FromSeconds(1));
        var refused = await ProviderGrain(provider).RequestReturn(Request(late));

        Assert.Equal(ReturnRequestOutcome.PendingReview, inTime.Outcome);
        Assert.Equal(ReturnRequestOutcome.WindowClosed, refused.Outcome);
        Assert.Null(refused.Return);
        Assert.True(refused.WindowEndsAt < fixture.Cluster.Now());
        Assert.Equal(0, await connection.QuerySingleAsync<long>("SELECT count(*) FROM lead_returns WHERE assignment_id = @late", new { late }));
        await fixture.AssertInvariantsHold();
    }

    [Fact]
    public async Task Within_the_rate_limit_returns_are_auto_approved_and_the_next_request_goes_to_review()
    {
        var s = await Scenario.Start(fixture.Grains);
        await fixture.Grains.GetGrain<IReturnPolicyGrain>(s.WorkspaceId).Set(AutoApproving(maxReturns: 2), "admin:alice");
        var niche = await s.Niche(new Scenario.Level(1, 1, 1_000));
        var provider = await s.Provider(10_000);
        await s.Subscribe(niche, provider, 1);
        var assignments = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            assignments.Add(Assert.Single((await s.Distribute(await s.Lead(niche))).Result!.Assignments).AssignmentId);
        }

        var results = new List<ReturnRequestResult>();
        foreach (var assignment in assignments)
        {
            results.Add(await ProviderGrain(provider).RequestReturn(Request(assignment)));
        }

        Assert.Equal([ReturnRequestOutcome.AutoApproved, ReturnRequestOutcome.AutoApproved, ReturnRequestOutcome.PendingReview], results.Select(r => r.Outcome));
        Assert.Equal("auto-approval", results[0].Return!.DecidedBy);
        Assert.Equal("rate_limit", results[2].Return!.ReviewReason);
        Assert.Equal(10_000 - 1_000, await s.Balance(provider));

        // The period moves on: a month later the old returns no longer count.
        fixture.Cluster.Advance(TimeSpan.FromDays(31));
        var later = Assert.Single((await s.Distribute(await s.Lead(niche))).Result!.Assignments).AssignmentId;
        Assert.Equal(ReturnRequestOutcome.AutoApproved, (await ProviderGrain(provider).RequestReturn(Request(later))).Outcome);
        await fixture.AssertInvariantsHold();
    }

    [Fact]
    public async Task The_rate_limit_counts_the_share_of_assignments_returned()
    {
        var s = await Scenario.Start(fixture.Grains);
        await fixture.Grains.GetGrain<IReturnPolicyGrain>(s.WorkspaceId).Set(AutoApproving(maxReturns: 100, maxRatePercent: 25), "admin:alice");
        var niche = await s.Niche(new Scenario.Level(1, 1, 1_000));
        var provider = await s.Provider(10_000);
        await s.Subscribe(niche, provider, 1);
        var assignments = new List<Guid>();
        for (var i = 0; i < 4; i++)
        {
            assignments.Add(Assert.Single((await s.Distribute(await s.Lead(niche))).Result!.Assignments).AssignmentId);
        }

        var first = await ProviderGrain(provider).RequestReturn(Request(assignments[0]));
        var second = await ProviderGrain(provider).RequestReturn(Request(assignments[1]));

        Assert.Equal(ReturnRequestOutcome.AutoApproved, first.Outcome);   // 1 of 4 = 25 %
        Assert.Equal(ReturnRequestOutcome.PendingReview, second.Outcome); // 2 of 4 = 50 %
        Assert.Equal("rate_limit", second.Return!.ReviewReason);
        await fixture.AssertInvariantsHold();
    }

    [Fact]
    public async Task A_refund_reactivates_a_subscription_paused_for_funds_and_its_niche_serves_the_provider_again()
    {
        var s = await Scenario.Start(fixture.Grains);
        var niche = await s.Niche(new Scenario.Level(1, 1, 2_500));
        var provider = await s.Provider(2_500);
        var subscription = await s.Subscribe(niche, provider, 1);
        var bought = Assert.Single((await s.Distribute(await s.Lead(niche))).Result!.Assignments).AssignmentId;
        await using var connection = await fixture.Db.OpenConnectionAsync();
        Assert.Equal("paused_insufficient_balance", await connection.QuerySingleAsync<string>(
            "SELECT status FROM subscriptions WHERE id = @SubscriptionId", new { subscription.SubscriptionId }));
        Assert.Empty((await s.Distribute(await s.Lead(niche))).Result!.Assignments);

        var returned = (await ProviderGrain(provider).RequestReturn(Request(bought))).Return!;
        await ProviderGrain(provider).DecideReturn(Approve(returned.ReturnId));

        Assert.Equal("active", await connection.QuerySingleAsync<string>(
            "SELECT status FROM subscriptions WHERE id = @SubscriptionId", new { subscription.SubscriptionId }));
        var next = (await s.Distribute(await s.Lead(niche))).Result!;
        Assert.Equal(provider, Assert.Single(next.Assignments).ProviderId);
        Assert.Equal(0, await s.Balance(provider));
        await fixture.AssertInvariantsHold();
    }

    [Fact]
    public async Task A_rejected_return_refunds_nothing_and_stays_rejected_and_an_assignment_is_returned_once()
    {
        var s = await Scenario.Start(fixture.Grains);
        var (provider, assignment, _) = await Bought(s, 10_000);
        var returned = (await ProviderGrain(provider).RequestReturn(Request(assignment))).Return!;

        var rejected = await ProviderGrain(provider).DecideReturn(Reject(returned.ReturnId));
        var approveAfter = await ProviderGrain(provider).DecideReturn(Approve(returned.ReturnId));
        var askedAgain = await ProviderGrain(provider).RequestReturn(Request(assignment, "duplicate"));

        Assert.Equal(ReturnDecisionOutcome.Rejected, rejected.Outcome);
        Assert.Equal(ReturnDecisionOutcome.AlreadyRejected, approveAfter.Outcome);
        Assert.Equal(ReturnRequestOutcome.AlreadyRequested, askedAgain.Outcome);
        Assert.Equal(returned.ReturnId, askedAgain.Return!.ReturnId);
        Assert.Equal(7_500, await s.Balance(provider));
        await fixture.AssertInvariantsHold();
    }

    [Fact]
    public async Task A_provider_can_return_only_its_own_assignments_with_a_listed_reason()
    {
        var s = await Scenario.Start(fixture.Grains);
        var (owner, assignment, _) = await Bought(s, 10_000);
        var stranger = await s.Provider(0);

        var notTheirs = await ProviderGrain(stranger).RequestReturn(Request(assignment));
        var badReason = await Assert.ThrowsAsync<LeadGrains.Abstractions.ValidationFailedException>(() =>
            ProviderGrain(owner).RequestReturn(Request(assignment, "no_reason_like_this")));

        Assert.Equal(ReturnRequestOutcome.AssignmentNotFound, notTheirs.Outcome);
        Assert.Contains("reason", badReason.Errors.Keys);
        await using var connection = await fixture.Db.OpenConnectionAsync();
        Assert.Equal(0, await connection.QuerySingleAsync<long>("SELECT count(*) FROM lead_returns WHERE assignment_id = @assignment", new { assignment }));
    }
}
