using LeadGrains.Data;
using LeadGrains.Grains;
using LeadGrains.Hosting;

namespace LeadGrains.Silo.Hosting;

/// <summary>A LeadGrains silo in a host: the silo process, the local all-in-one process and the benchmark use the same.</summary>
public static class SiloHosting
{
    /// <summary>
    /// Applies the schema first when <c>MigrateOnStart</c> is set (the silo's storage needs it), then
    /// runs a silo on the configured endpoints with the grains' meter and trace source exported.
    /// </summary>
    public static IHostApplicationBuilder AddLeadGrainsSiloHost(this IHostApplicationBuilder builder, LeadGrainsClusterOptions options)
    {
        if (options.MigrateOnStart)
        {
            SchemaMigrator.Migrate(LeadGrainsClusterOptions.OwnerConnectionString(builder.Configuration));
        }
        builder.AddLeadGrainsTelemetrySource(LeadGrainsTelemetry.MeterName);
        builder.UseOrleans(silo => silo.UseLeadGrainsEndpoints(options).AddLeadGrainsSilo());
        return builder;
    }
}
