using LeadGrains.Data;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace LeadGrains.Hosting;

/// <summary>The process's one <see cref="Npgsql.NpgsqlDataSource"/>, shared by Dapper and the Orleans ADO.NET providers.</summary>
public static class DataSourceRegistration
{
    /// <summary>
    /// Registers the shared data source, built from <c>ConnectionStrings:LeadGrains</c> and
    /// <c>LeadGrains:Database</c> (timeouts, keepalive); a second call keeps the first.
    /// </summary>
    public static IServiceCollection AddLeadGrainsData(this IServiceCollection services)
    {
        services.TryAddSingleton(sp =>
        {
            var configuration = sp.GetRequiredService<IConfiguration>();
            return LeadGrainsDataSource.Create(LeadGrainsClusterOptions.ConnectionString(configuration),
                configuration.GetSection(DatabaseTimeouts.Section).Get<DatabaseTimeouts>());
        });
        return services;
    }
}
