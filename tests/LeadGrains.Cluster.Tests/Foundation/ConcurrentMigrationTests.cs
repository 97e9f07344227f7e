using Dapper;
using LeadGrains.Cluster.Tests.Infrastructure;
using LeadGrains.Data;
using Npgsql;

namespace LeadGrains.Cluster.Tests.Foundation;

/// <summary>Several silos starting together against a new database each migrate it: one does, the others find it done.</summary>
public sealed class ConcurrentMigrationTests : IAsyncLifetime
{
    private const int Migrators = 4;

    private readonly string _database = "lg_test_migrate_" + Guid.NewGuid().ToString("N")[..12];
    private string _connectionString = "";

    public async Task InitializeAsync()
    {
        await using var admin = new NpgsqlConnection(TestDatabase.AdminConnectionString + ";Pooling=false");
        await admin.ExecuteAsync($"CREATE DATABASE {_database}");
        _connectionString = TestDatabase.ConnectionStringFor(_database);
    }

    public Task DisposeAsync() => TestDatabase.DropAsync(_connectionString);

    [Fact]
    public async Task Migrators_started_together_on_a_fresh_database_all_succeed_and_apply_each_script_once()
    {
        var scripts = typeof(SchemaMigrator).Assembly.GetManifestResourceNames().Count(n => n.EndsWith(".sql", StringComparison.Ordinal));
        using var start = new Barrier(Migrators);

        var ran = await Task.WhenAll(Enumerable.Range(0, Migrators).Select(_ => Task.Run(() =>
        {
            start.SignalAndWait();
            return SchemaMigrator.Migrate(_connectionString);
        })));

        await using var connection = new NpgsqlConnection(_connectionString);
        var journal = (await connection.QueryAsync<string>("SELECT scriptname FROM schema_versions")).ToList();
        Assert.Equal(scripts, journal.Count);
        Assert.Equal(scripts, journal.Distinct().Count());
        Assert.Equal(scripts, ran.Sum(r => r.Count));
    }
}
