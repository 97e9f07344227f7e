using LeadGrains.Grains.Distribution;
using LeadGrains.Grains.Leads;
using LeadGrains.Grains.Niches;
using LeadGrains.Grains.Providers;
using LeadGrains.Grains.Workspaces;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace LeadGrains.Grains;

/// <summary>The services the grains depend on. The host registers the shared NpgsqlDataSource.</summary>
public static class ServiceCollectionExtensions
{
    public static IServiceCollection AddLeadGrains(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.TryAddSingleton<LeadGrainsTelemetry>();
        services.TryAddSingleton<DistributionInterruptions>();
        services.TryAddSingleton<WorkspaceStore>();
        services.TryAddSingleton<NicheStore>();
        services.TryAddSingleton<ProviderStore>();
        services.TryAddSingleton<LeadStore>();
        services.TryAddSingleton<DistributionStore>();
        return services;
    }
}
