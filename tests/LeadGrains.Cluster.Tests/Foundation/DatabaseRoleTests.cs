using Dapper;
using LeadGrains.Cluster.Tests.Infrastructure;
using Npgsql;

namespace LeadGrains.Cluster.Tests.Foundation;

/// <summary>
/// The application role (what silos and the API connect as) moves money only through the guarded
/// functions: a direct write of a balance, a ledger entry or an assignment is refused by PostgreSQL.
/// </summary>
public sealed class DatabaseRoleTests : IAsyncLifetime
{
    private const string InsufficientPrivilege = "42501";

    private const string RaiseBalance = "UPDATE providers SET balance_cents = balance_cents + 100000 WHERE id = @Provider";

    private static readonly Guid Workspace = Guid.NewGuid();
    private static readonly Guid Provider = Guid.NewGuid();

    private string _owner = "";

    public async Task InitializeAsync()
    {
        _owner = await TestDatabase.CreateAsync();
        await using var connection = new NpgsqlConnection(_owner);
        await connection.ExecuteAsync("""
            INSERT INTO workspaces (id, name) VALUES (@Workspace, 'roles');
            INSERT INTO providers (id, workspace_id, name, email) VALUES (@Provider, @Workspace, 'p', 'p@example.test');
            """, new { Workspace, Provider });
    }

    public Task DisposeAsync() => TestDatabase.DropAsync(_owner);

    public static TheoryData<string> DirectMoneyWrites => new()
    {
        RaiseBalance,
        "INSERT INTO providers (id, workspace_id, name, email, balance_cents) VALUES (gen_random_uuid(), @Workspace, 'rich', 'r@example.test', 100000)",
        """
        INSERT INTO ledger_entries (id, provider_id, kind, amount_cents, idempotency_key, balance_after_cents, created_at)
        VALUES (gen_random_uuid(), @Provider, 'deposit', 100000, 'forged', 100000, now())
        """,
        "DELETE FROM ledger_entries WHERE provider_id = @Provider",
        """
        INSERT INTO lead_assignments (id, lead_id, provider_id, subscription_id, level_id, niche_id, price_cents, assigned_at)
        VALUES (gen_random_uuid(), gen_random_uuid(), @Provider, gen_random_uuid(), gen_random_uuid(), gen_random_uuid(), 1, now())
        """,
        "UPDATE lead_assignments SET provider_id = @Provider",
        "DELETE FROM lead_assignments",
    };

    [Theory]
    [MemberData(nameof(DirectMoneyWrites))]
    public async Task The_application_role_may_not_write_money_directly(string statement)
    {
        await using var app = new NpgsqlConnection(TestDatabase.AppConnectionStringFor(_owner));

        var refused = await Assert.ThrowsAsync<PostgresException>(() => app.ExecuteAsync(statement, new { Workspace, Provider }));

        Assert.Equal(InsufficientPrivilege, refused.SqlState);
        Assert.Equal(0L, await Balance());
    }

    [Fact]
    public async Task Negative_control_with_the_grant_the_direct_write_goes_through()
    {
        await using (var owner = new NpgsqlConnection(_owner))
        {
            await owner.ExecuteAsync("GRANT UPDATE (balance_cents) ON providers TO leadgrains_app");
        }
        await using var app = new NpgsqlConnection(TestDatabase.AppConnectionStringFor(_owner));

        await app.ExecuteAsync(RaiseBalance, new { Workspace, Provider });

        Assert.Equal(100000L, await Balance());
    }

    [Fact]
    public async Task The_application_role_moves_money_through_the_guarded_function()
    {
        await using var app = new NpgsqlConnection(TestDatabase.AppConnectionStringFor(_owner));

        var outcome = await app.QuerySingleAsync<string>(
            "SELECT outcome FROM deposit_funds(gen_random_uuid(), @Provider, 2500, 'deposit:1', 'fingerprint', NULL, now(), 'test')",
            new { Provider });
        await app.ExecuteAsync("UPDATE providers SET name = 'renamed' WHERE id = @Provider", new { Provider });

        Assert.Equal("deposited", outcome);
        Assert.Equal(2500L, await Balance());
    }

    [Fact]
    public async Task The_money_functions_run_as_their_owner_with_a_fixed_search_path()
    {
        await using var owner = new NpgsqlConnection(_owner);
        var functions = (await owner.QueryAsync<(string Name, bool Definer, string[]? Config, bool PublicMayExecute)>("""
            SELECT proname, prosecdef, proconfig, has_function_privilege('public', oid, 'EXECUTE')
              FROM pg_proc WHERE pronamespace = 'public'::regnamespace AND proname IN ('deposit_funds', 'record_distributions')
            """)).ToList();

        Assert.Equal(2, functions.Count);
        Assert.All(functions, f =>
        {
            Assert.True(f.Definer, f.Name);
            Assert.Contains("search_path=public, pg_temp", f.Config ?? []);
            Assert.False(f.PublicMayExecute, f.Name);
        });
    }

    private async Task<long> Balance()
    {
        await using var owner = new NpgsqlConnection(_owner);
        return await owner.QuerySingleAsync<long>("SELECT balance_cents FROM providers WHERE id = @Provider", new { Provider });
    }
}
