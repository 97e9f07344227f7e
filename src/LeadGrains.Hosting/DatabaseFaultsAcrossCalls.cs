using Orleans.Serialization;

namespace LeadGrains.Hosting;

/// <summary>
/// Lets Npgsql's exceptions cross a grain call intact. Orleans serializes only exceptions of the
/// namespaces it is told of (Microsoft, System, Azure by default); any other fails the reply with
/// "Could not find a codec for type Npgsql.NpgsqlException", so the caller could no longer tell a
/// database that is restarting (answered 503) from a fault (500). The fault campaign's PostgreSQL
/// restart met exactly that. Silos and clients both need it: each end must accept the type.
/// </summary>
public static class DatabaseFaultsAcrossCalls
{
    public static IServiceCollection AddDatabaseFaultsAcrossCalls(this IServiceCollection services) =>
        services.Configure<ExceptionSerializationOptions>(options => options.SupportedNamespacePrefixes.Add("Npgsql"));
}
