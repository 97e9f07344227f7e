using Dapper;
using LeadGrains.Cluster.Tests.Infrastructure;
using LeadGrains.Data;
using Npgsql;

namespace LeadGrains.Cluster.Tests.Foundation;

public sealed class MigrationTests : IAsyncLifetime
{
    private string _connectionString = "";

    public async Task InitializeAsync() => _connectionString = await TestDatabase.CreateAsync();

    public Task DisposeAsync() => TestDatabase.DropAsync(_connectionString);

    [Fact]
    public async Task Reapplying_the_migrations_runs_nothing_and_changes_nothing()
    {
        await using var db = NpgsqlDataSource.Create(_connectionString);
        var before = await SchemaFingerprint(db);

        var ran = SchemaMigrator.Migrate(_connectionString);

        Assert.Empty(ran);
        Assert.Equal(before, await SchemaFingerprint(db));
        Assert.Contains("check_invariants", before);
    }

    private static async Task<string> SchemaFingerprint(NpgsqlDataSource db)
    {
        await using var connection = await db.OpenConnectionAsync();
        var tables = await connection.QueryAsync<string>(
            "SELECT table_name || '.' || column_name FROM information_schema.columns WHERE table_schema = 'public' ORDER BY 1");
        var functions = await connection.QueryAsync<string>(
            "SELECT proname FROM pg_proc WHERE pronamespace = 'public'::regnamespace ORDER BY 1");
        var journal = await connection.QuerySingleAsync<long>("SELECT count(*) FROM schema_versions");
        return string.Join(",", tables) + "|" + string.Join(",", functions) + "|" + journal;
    }
}
