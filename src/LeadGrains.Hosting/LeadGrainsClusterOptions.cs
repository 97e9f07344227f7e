namespace LeadGrains.Hosting;

/// <summary>
/// The settings every LeadGrains process reads (section <c>LeadGrains</c>, plus the connection
/// strings <c>ConnectionStrings:LeadGrains</c> and <c>ConnectionStrings:LeadGrainsOwner</c>).
/// </summary>
public sealed class LeadGrainsClusterOptions
{
    public const string Section = "LeadGrains";

    /// <summary>Orleans cluster id: silos and clients with the same id form one cluster.</summary>
    public string ClusterId { get; set; } = "leadgrains-local";

    /// <summary>Orleans service id: keys grain state and reminders, so it must never change.</summary>
    public string ServiceId { get; set; } = "leadgrains";

    /// <summary>Silo-to-silo port.</summary>
    public int SiloPort { get; set; } = 11111;

    /// <summary>Port clients (the API, the approval service) connect to.</summary>
    public int GatewayPort { get; set; } = 30000;

    /// <summary>
    /// The IP address other silos and clients reach this silo at, written to the membership table.
    /// Unset, Orleans takes the machine's first IPv4 address; the local hosts' appsettings.json say
    /// 127.0.0.1, so a developer's cluster is never reachable from the network.
    /// </summary>
    public string? AdvertisedAddress { get; set; }

    /// <summary>
    /// The IP address the silo and gateway ports are bound to; unset, the advertised address (one
    /// interface, never all of them). <c>0.0.0.0</c> binds every interface, only when said so (e.g.
    /// in a container whose advertised address belongs to the host).
    /// </summary>
    public string? ListenAddress { get; set; }

    /// <summary>Mutual TLS between silos and between clients and gateways (section <c>LeadGrains:Tls</c>).</summary>
    public ClusterTlsOptions Tls { get; set; } = new();

    /// <summary>Apply the schema migrations at start-up (the migrate command does the same on demand).</summary>
    public bool MigrateOnStart { get; set; } = true;

    /// <summary>The section as configured, defaults where it is silent.</summary>
    public static LeadGrainsClusterOptions From(IConfiguration configuration) =>
        configuration.GetSection(Section).Get<LeadGrainsClusterOptions>() ?? new();

    /// <summary>The application role's connection: what silos and the API run with.</summary>
    public static string ConnectionString(IConfiguration configuration) =>
        configuration.GetConnectionString("LeadGrains")
        ?? throw new InvalidOperationException("ConnectionStrings:LeadGrains is not configured.");

    /// <summary>
    /// The owner role's connection, for migrations only (<c>ConnectionStrings:LeadGrainsOwner</c>).
    /// Unset, migrations use <see cref="ConnectionString"/>: a deployment with a single role.
    /// </summary>
    public static string OwnerConnectionString(IConfiguration configuration) =>
        configuration.GetConnectionString("LeadGrainsOwner") is { Length: > 0 } owner ? owner : ConnectionString(configuration);
}
