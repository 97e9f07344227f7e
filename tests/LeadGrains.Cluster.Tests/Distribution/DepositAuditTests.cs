using Dapper;
using LeadGrains.Abstractions.Providers;
using LeadGrains.Cluster.Tests.Infrastructure;

namespace LeadGrains.Cluster.Tests.Distribution;

/// <summary>
/// A deposit's audit row is written by <c>deposit_funds</c> in the transaction that moves the money,
/// so no deposit exists without one — whatever happens to the caller after the commit — and a
/// replay writes none.
/// </summary>
public sealed class DepositAuditTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    [Fact]
    public async Task The_money_function_writes_the_deposit_s_audit_row_with_its_actor_and_a_replay_writes_none()
    {
        var s = await Scenario.Start(fixture.Grains);
        var provider = await s.Provider(0);
        var deposit = new DepositCommand(4_200, "wire-audit", "bank ref 9", Actor: "admin:alice");

        var first = await fixture.Grains.GetGrain<IProviderGrain>(provider).Deposit(deposit);
        var replay = await fixture.Grains.GetGrain<IProviderGrain>(provider).Deposit(deposit);

        Assert.Equal(DepositOutcome.Deposited, first.Outcome);
        Assert.Equal(DepositOutcome.Replayed, replay.Outcome);
        await using var connection = await fixture.Db.OpenConnectionAsync();
        var rows = (await connection.QueryAsync<(string Actor, long Amount, long Balance, string Reference)>("""
            SELECT actor, (metadata ->> 'amount_cents')::bigint, (metadata ->> 'balance_cents')::bigint, metadata ->> 'reference'
              FROM audit_log WHERE action = 'provider.deposit' AND target_id = @provider
            """, new { provider = provider.ToString() })).ToList();
        Assert.Equal([("admin:alice", 4_200L, 4_200L, "bank ref 9")], rows);
    }
}
