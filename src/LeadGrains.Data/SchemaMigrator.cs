using DbUp;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LeadGrains.Data;

/// <summary>
/// Applies the Orleans provider scripts and the numbered domain migrations in <c>sql/</c>
/// (embedded in this assembly) with DbUp, which journals what ran so re-applying is a no-op.
/// </summary>
public static class SchemaMigrator
{
    /// <summary>Runs every script not yet journaled; returns the names of the scripts it ran.</summary>
    public static IReadOnlyList<string> Migrate(string connectionString, ILogger? logger = null)
    {
        var upgrader = DeployChanges.To
            .PostgresqlDatabase(connectionString)
            .WithScriptsEmbeddedInAssembly(typeof(SchemaMigrator).Assembly, name => name.EndsWith(".sql", StringComparison.Ordinal))
            .JournalToPostgresqlTable("public", "schema_versions")
            .WithTransactionPerScript()
            .LogTo(logger ?? NullLogger.Instance)
            .Build();

        var result = upgrader.PerformUpgrade();
        if (!result.Successful)
        {
            throw new InvalidOperationException($"Schema migration failed in {result.ErrorScript?.Name}", result.Error);
        }
        return result.Scripts.Select(s => s.Name).ToList();
    }
}
