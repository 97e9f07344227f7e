using Dapper;
using LeadGrains.Data;
using Npgsql;

namespace LeadGrains.Benchmark.Measuring;

/// <summary>
/// The benchmark's own database (<c>lg_bench_*</c>): created fresh and migrated, watched through
/// <c>pg_stat_database</c>, <c>pg_stat_statements</c> and <c>pg_stat_wal</c>, dropped at the end.
/// </summary>
public sealed class BenchDatabase(string adminConnection, string appConnection, string name)
{
    public string Name { get; } = name;

    /// <summary>The application role's connection, which the silos run with as in production.</summary>
    public string AppConnectionString { get; } = new NpgsqlConnectionStringBuilder(appConnection)
    {
        Database = name,
        ApplicationName = "leadgrains-bench",
        MaxPoolSize = 200,
    }.ConnectionString;

    public string ConnectionString { get; } = new NpgsqlConnectionStringBuilder(adminConnection)
    {
        Database = name,
        ApplicationName = "leadgrains-bench",
        MaxPoolSize = 200,
    }.ConnectionString;

    public static async Task<BenchDatabase> Create(string adminConnection, string appConnection)
    {
        var database = new BenchDatabase(adminConnection, appConnection, $"lg_bench_{DateTime.UtcNow:yyyyMMdd_HHmmss}_{Environment.ProcessId}");
        await database.Admin($"CREATE DATABASE {database.Name}");
        SchemaMigrator.Migrate(database.ConnectionString);
        await using var connection = new NpgsqlConnection(database.ConnectionString + ";Pooling=false");
        await connection.OpenAsync();
        // Nested statements of the SQL functions show up too, so a profile can see inside them.
        await connection.ExecuteAsync($"""
            CREATE EXTENSION IF NOT EXISTS pg_stat_statements;
            ALTER DATABASE {database.Name} SET pg_stat_statements.track = 'all';
            """);
        return database;
    }

    public async Task Drop()
    {
        NpgsqlConnection.ClearAllPools();
        await Admin($"DROP DATABASE IF EXISTS {Name} WITH (FORCE)");
    }

    public sealed record Counters(long XactCommit, long XactRollback, long TupInserted, long TupUpdated, long BlksRead, long BlksHit,
                                  long WalRecords, long WalBytes, long WalWrite, long WalSync);

    /// <summary>Commit counts of this database, WAL counts of the whole PostgreSQL cluster (other databases' load included).</summary>
    public async Task<Counters> ReadCounters()
    {
        await using var connection = new NpgsqlConnection(ConnectionString + ";Pooling=false");
        await connection.OpenAsync();
        // Other backends publish their statistics at most once a second; this one's at once.
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        await connection.ExecuteAsync("SELECT pg_stat_clear_snapshot()");
        return await connection.QuerySingleAsync<Counters>("""
            SELECT d.xact_commit, d.xact_rollback, d.tup_inserted, d.tup_updated, d.blks_read, d.blks_hit,
                   w.wal_records, w.wal_bytes::bigint, w.wal_write, w.wal_sync
              FROM pg_stat_database d CROSS JOIN pg_stat_wal w
             WHERE d.datname = current_database()
            """);
    }

    public async Task ResetStatements()
    {
        await using var connection = new NpgsqlConnection(ConnectionString + ";Pooling=false");
        await connection.OpenAsync();
        await connection.ExecuteAsync(
            "SELECT pg_stat_statements_reset(0, (SELECT oid FROM pg_database WHERE datname = current_database()), 0)");
    }

    public sealed record StatementStats(bool Toplevel, long Calls, double TotalMs, double MeanMs, long Rows, string Query);

    /// <summary>The statements that took the most time in this database since <see cref="ResetStatements"/>.</summary>
    public async Task<IReadOnlyList<StatementStats>> TopStatements(int count)
    {
        await using var connection = new NpgsqlConnection(ConnectionString + ";Pooling=false");
        await connection.OpenAsync();
        var rows = await connection.QueryAsync<StatementStats>("""
            SELECT toplevel, calls, total_exec_time AS total_ms, mean_exec_time AS mean_ms, rows,
                   left(regexp_replace(query, '\s+', ' ', 'g'), 160) AS query
              FROM pg_stat_statements
             WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
             ORDER BY total_exec_time DESC
             LIMIT @count
            """, new { count });
        return rows.ToList();
    }

    /// <summary>CPU seconds used so far by the server processes serving this database's connections.</summary>
    public async Task<(int Backends, double CpuSeconds)> BackendCpu()
    {
        await using var connection = new NpgsqlConnection(ConnectionString + ";Pooling=false");
        await connection.OpenAsync();
        var pids = (await connection.QueryAsync<int>(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")).ToList();
        return (pids.Count, pids.Sum(pid => ProcessUsage.Read(pid)?.CpuSeconds ?? 0));
    }

    public async Task<IReadOnlyDictionary<string, long>> LeadStatusCounts()
    {
        await using var connection = new NpgsqlConnection(ConnectionString + ";Pooling=false");
        await connection.OpenAsync();
        var rows = await connection.QueryAsync<(string Status, long Count)>("SELECT status, count(*) FROM leads GROUP BY status ORDER BY status");
        return rows.ToDictionary(r => r.Status, r => r.Count);
    }

    private async Task Admin(string sql)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(ConnectionString) { Database = "postgres", Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
