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

    public static NpgsqlDataSource Create(string connectionString)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        builder.ConnectionStringBuilder.ApplicationName ??= "leadgrains";
        return builder.Build();
    }
}
