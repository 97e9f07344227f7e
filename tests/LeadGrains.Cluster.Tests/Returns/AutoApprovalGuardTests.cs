using Dapper;
using LeadGrains.Abstractions.Returns;
using LeadGrains.Cluster.Tests.Infrastructure;
using LeadGrains.Grains.Returns;
using Npgsql;
using static LeadGrains.Cluster.Tests.Infrastructure.ReturnScenarios;

namespace LeadGrains.Cluster.Tests.Returns;

/// <summary>
/// The return-rate limit of auto-approval is kept by the database, not only by the provider grain's
/// serial turns. Two activations of one provider that each counted no earlier return store two
/// requests and auto-approve both at once, straight at the store: <c>auto_approve_return</c> counts
/// again under the provider's row lock and approves one, holding the other for review. The negative
/// control removes that count (in a transaction that is rolled back) and both are approved, one over
/// the limit.
/// </summary>
public sealed class AutoApprovalGuardTests(ReturnsClusterFixture fixture) : IClassFixture<ReturnsClusterFixture>
{
    private const string LimitCheck = "IF v_returns > v_policy.auto_approve_max_returns";

    [Fact]
    public async Task Two_writers_auto_approving_at_once_cannot_pass_the_return_rate_limit_together()
    {
        var (provider, returns) = await TwoRequestsCountedAsFirst();
        var store = new ReturnStore(fixture.Db);
        var now = fixture.Cluster.Now();

        var outcomes = await Task.WhenAll(returns.Select(id => store.AutoApprove(id, Guid.NewGuid(), ProviderReturns.AutoApprover, null, now)));

        Assert.Equal(["rate_limit", "refunded"], outcomes.Select(o => o.Outcome).Order());
        await using var connection = await fixture.Db.OpenConnectionAsync();
        Assert.Equal([("approved", (string?)null), ("pending", "rate_limit")], (await connection.QueryAsync<(string, string?)>(
            "SELECT status, CASE WHEN status = 'pending' THEN review_reason END FROM lead_returns WHERE provider_id = @provider ORDER BY status",
            new { provider })).ToList());
        Assert.Equal(9_000, await Balance(connection, provider));   // two leads bought, one refunded
        await fixture.AssertInvariantsHold();
    }

    [Fact]
    public async Task Without_the_database_s_count_both_are_approved_one_over_the_limit()
    {
        var (provider, returns) = await TwoRequestsCountedAsFirst();
        await using var connection = await fixture.Db.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var broken = await connection.QuerySingleAsync<string>("SELECT pg_get_functiondef('auto_approve_return'::regproc)");
        Assert.Contains(LimitCheck, broken);
        await connection.ExecuteAsync(broken.Replace(LimitCheck, "IF false"));

        foreach (var id in returns)
        {
            Assert.Equal("refunded", await connection.QuerySingleAsync<string>(
                "SELECT outcome FROM auto_approve_return(@id, @entry, @actor, NULL, @now)",
                new { id, entry = Guid.NewGuid(), actor = ProviderReturns.AutoApprover, now = fixture.Cluster.Now() }));
        }

        Assert.Equal(2, await connection.QuerySingleAsync<long>(
            "SELECT count(*) FROM lead_returns WHERE provider_id = @provider AND decided_by = @actor AND status = 'approved'",
            new { provider, actor = ProviderReturns.AutoApprover }));
        Assert.Equal(10_000, await Balance(connection, provider));
        await transaction.RollbackAsync();
        Assert.Equal(0, await connection.QuerySingleAsync<long>("SELECT count(*) FROM lead_returns WHERE provider_id = @provider AND status = 'approved'", new { provider }));
        await fixture.AssertInvariantsHold();
    }

    /// <summary>
    /// Auto-approval of at most one return per period; a provider that bought two leads and two
    /// pending returns of them, stored as two activations of its grain would store them, each
    /// having counted no return before its own.
    /// </summary>
    private async Task<(Guid Provider, Guid[] Returns)> TwoRequestsCountedAsFirst()
    {
        var s = await Scenario.Start(fixture.Grains);
        await fixture.Grains.GetGrain<IReturnPolicyGrain>(s.WorkspaceId).Set(AutoApproving(maxReturns: 1), "admin:alice");
        var niche = await s.Niche(new Scenario.Level(1, 1, 1_000));
        var provider = await s.Provider(10_000);
        await s.Subscribe(niche, provider, 1);
        var store = new ReturnStore(fixture.Db);
        var now = fixture.Cluster.Now();
        var returns = new List<Guid>();
        for (var i = 0; i < 2; i++)
        {
            var assignmentId = Assert.Single((await s.Distribute(await s.Lead(niche))).Result!.Assignments).AssignmentId;
            var assignment = (await store.AssignmentOf(provider, assignmentId))!;
            var stored = await store.Insert(Guid.CreateVersion7(), provider, assignment, Request(assignmentId), "review_required", now);
            returns.Add(stored!.ReturnId);
        }
        return (provider, returns.ToArray());
    }

    private static Task<long> Balance(NpgsqlConnection connection, Guid provider) =>
        connection.QuerySingleAsync<long>("SELECT balance_cents FROM providers WHERE id = @provider", new { provider });
}
