using LeadGrains.Data;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace LeadGrains.Hosting;

/// <summary>The process's one <see cref="Npgsql.NpgsqlDataSource"/>, shared by Dapper and the Orleans ADO.NET providers.</summary>
public static class DataSourceRegistration
{
    /// <summary>Registers the shared data source, built from <c>ConnectionStrings:LeadGrains</c>; a second call keeps the first.</summary>
    public static IServiceCollection AddLeadGrainsData(this IServiceCollection services)
    {
        services.TryAddSingleton(sp => LeadGrainsDataSource.Create(
            LeadGrainsClusterOptions.ConnectionString(sp.GetRequiredService<IConfiguration>())));
        return services;
    }
}
