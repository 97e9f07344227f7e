using Dapper;
using Npgsql;

namespace LeadGrains.Data;

/// <summary>
/// Builds the one <see cref="NpgsqlDataSource"/> a process shares between Dapper and the Orleans
/// ADO.NET providers, so the whole process draws from a single connection pool.
/// </summary>
public static class LeadGrainsDataSource
{
    static LeadGrainsDataSource()
    {
        // Columns are snake_case, records are PascalCase.
        DefaultTypeMap.MatchNamesWithUnderscores = true;
    }

    public static NpgsqlDataSource Create(string connectionString, DatabaseTimeouts? timeouts = null)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        var settings = builder.ConnectionStringBuilder;
        timeouts ??= new DatabaseTimeouts();
        settings.Timeout = WholeSeconds(timeouts.ConnectTimeout);
        settings.CommandTimeout = WholeSeconds(timeouts.CommandTimeout);
        settings.KeepAlive = WholeSeconds(timeouts.KeepAlive);
        settings.TcpKeepAlive = true;
        settings.ApplicationName ??= "leadgrains";
        // The pool's name labels its metrics (db.client.connection.*): short and stable, never the connection string.
        builder.Name = "leadgrains";
        // A pooled connection is reused many times per distribution. Resetting it (DISCARD ALL) threw
        // away every cached plan, including PL/pgSQL's and the foreign-key checks', and doubled the
        // commits per lead (docs/PERFORMANCE.md). Nothing here leaves session state behind: locks are
        // transaction-scoped, and no code issues SET, LISTEN or temporary tables.
        settings.NoResetOnClose = true;
        // Prepare the hot statements server-side once they repeat.
        if (settings.MaxAutoPrepare == 0)
        {
            settings.MaxAutoPrepare = 64;
            settings.AutoPrepareMinUsages = 2;
        }
        return builder.Build();
    }

    // Npgsql counts these in whole seconds, and 0 would mean "wait forever".
    private static int WholeSeconds(TimeSpan span) => Math.Max(1, (int)Math.Ceiling(span.TotalSeconds));
}
