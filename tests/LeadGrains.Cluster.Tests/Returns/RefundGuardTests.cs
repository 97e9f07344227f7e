using Dapper;
using LeadGrains.Abstractions.Providers;
using LeadGrains.Cluster.Tests.Infrastructure;
using Npgsql;
using static LeadGrains.Cluster.Tests.Infrastructure.ReturnScenarios;

namespace LeadGrains.Cluster.Tests.Returns;

/// <summary>
/// The negative controls of "a refund credits once": refund_return driven twice straight at the
/// database with its guards removed one by one, inside a transaction that is rolled back (the
/// function, the constraints and the money all come back). With the status checks gone, the ledger's
/// unique keys (one entry per assignment, one per idempotency key) still refuse the second refund;
/// with those gone too, the second credits again and the invariant checker reports it (R2).
/// </summary>
public sealed class RefundGuardTests(ReturnsClusterFixture fixture) : IClassFixture<ReturnsClusterFixture>
{
    private static readonly string[] StatusChecks = ["IF v_return.status = 'approved' THEN", "IF v_return.status <> 'pending' THEN"];

    [Fact]
    public async Task Without_the_status_checks_the_ledger_s_unique_keys_still_refuse_a_second_refund()
    {
        var (provider, returnId) = await PendingReturn();
        await using var connection = await fixture.Db.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await WithoutStatusChecks(connection);

        Assert.Equal("refunded", await DriveRefund(connection, returnId));
        var second = await Assert.ThrowsAsync<PostgresException>(() => DriveRefund(connection, returnId));

        Assert.Equal(PostgresErrorCodes.UniqueViolation, second.SqlState);
        await transaction.RollbackAsync();
        Assert.Equal(7_500, await Balance(connection, provider));
        await fixture.AssertInvariantsHold();
    }

    [Fact]
    public async Task Without_the_status_checks_and_the_unique_keys_a_return_is_refunded_twice_and_the_checker_says_so()
    {
        var (provider, returnId) = await PendingReturn();
        await using var connection = await fixture.Db.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await WithoutStatusChecks(connection);
        await connection.ExecuteAsync("""
            ALTER TABLE ledger_entries DROP CONSTRAINT ledger_entries_assignment_id_key;
            ALTER TABLE ledger_entries DROP CONSTRAINT ledger_entries_provider_id_idempotency_key_key
            """);

        Assert.Equal("refunded", await DriveRefund(connection, returnId));
        Assert.Equal("refunded", await DriveRefund(connection, returnId));

        Assert.Equal(12_500, await Balance(connection, provider));
        Assert.Contains("R2", await connection.QueryAsync<string>("SELECT invariant FROM check_refund_invariants()"));
        await transaction.RollbackAsync();
        await fixture.AssertInvariantsHold();
    }

    private async Task<(Guid Provider, Guid ReturnId)> PendingReturn()
    {
        var s = await Scenario.Start(fixture.Grains);
        var (provider, assignment, _) = await Bought(s, 10_000);
        var requested = await fixture.Grains.GetGrain<IProviderGrain>(provider).RequestReturn(Request(assignment));
        return (provider, requested.Return!.ReturnId);
    }

    /// <summary>refund_return, in this transaction only, without its checks of the return's status: it refunds whatever the return says.</summary>
    private static async Task WithoutStatusChecks(NpgsqlConnection connection)
    {
        var broken = await connection.QuerySingleAsync<string>("SELECT pg_get_functiondef('refund_return'::regproc)");
        foreach (var check in StatusChecks)
        {
            Assert.Contains(check, broken);
            broken = broken.Replace(check, "IF false THEN");
        }
        await connection.ExecuteAsync(broken);
    }

    private static Task<string> DriveRefund(NpgsqlConnection connection, Guid returnId) =>
        connection.QuerySingleAsync<string>(
            "SELECT outcome FROM refund_return(@returnId, @entry, 'stale writer', NULL, now())", new { returnId, entry = Guid.NewGuid() });

    private static Task<long> Balance(NpgsqlConnection connection, Guid provider) =>
        connection.QuerySingleAsync<long>("SELECT balance_cents FROM providers WHERE id = @provider", new { provider });
}
