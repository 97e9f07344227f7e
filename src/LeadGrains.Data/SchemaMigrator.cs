using DbUp;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace LeadGrains.Data;

/// <summary>
/// Applies the Orleans provider scripts and the numbered domain migrations in <c>sql/</c>
/// (embedded in this assembly) with DbUp, which journals what ran so re-applying is a no-op.
/// Runs under the owner role (<c>ConnectionStrings:LeadGrainsOwner</c>), never the application's.
/// </summary>
public static class SchemaMigrator
{
    // Any fixed number works as long as every migrator of the database uses the same one.
    private const long MigrationLockKey = 0x4C47_4D49_4752_4154; // "LGMIGRAT"

    /// <summary>
    /// Runs every script not yet journaled; returns the names of the scripts it ran. Several silos
    /// starting together all call this: a session-level advisory lock lets one migrate while the
    /// others wait, and they then find the journal complete and run nothing. Without it, two of
    /// them could apply the same script (DbUp reads the journal before it runs anything).
    /// </summary>
    public static IReadOnlyList<string> Migrate(string connectionString, ILogger? logger = null)
    {
        // A connection of its own, outside any pool, so the lock lives exactly as long as this call.
        using var lockConnection = new NpgsqlConnection(
            new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString);
        lockConnection.Open();
        using (var take = new NpgsqlCommand("SELECT pg_advisory_lock(@key)", lockConnection))
        {
            // Another migrator may hold it for as long as its scripts take.
            take.CommandTimeout = 0;
            take.Parameters.AddWithValue("key", MigrationLockKey);
            take.ExecuteNonQuery();
        }
        try
        {
            return Upgrade(connectionString, logger ?? NullLogger.Instance);
        }
        finally
        {
            using var release = new NpgsqlCommand("SELECT pg_advisory_unlock(@key)", lockConnection);
            release.Parameters.AddWithValue("key", MigrationLockKey);
            release.ExecuteNonQuery();
        }
    }

    private static IReadOnlyList<string> Upgrade(string connectionString, ILogger logger)
    {
        var upgrader = DeployChanges.To
            .PostgresqlDatabase(connectionString)
            .WithScriptsEmbeddedInAssembly(typeof(SchemaMigrator).Assembly, name => name.EndsWith(".sql", StringComparison.Ordinal))
            .JournalToPostgresqlTable("public", "schema_versions")
            .WithTransactionPerScript()
            .LogTo(logger)
            .Build();

        var result = upgrader.PerformUpgrade();
        if (!result.Successful)
        {
            throw new InvalidOperationException($"Schema migration failed in {result.ErrorScript?.Name}", result.Error);
        }
        return result.Scripts.Select(s => s.Name).ToList();
    }
}
