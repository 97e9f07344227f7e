namespace LeadGrains.Hosting;

/// <summary>
/// Where a process finds its certificate and the authority it trusts (section <c>LeadGrains:Tls</c>).
/// Every silo and every client presents a certificate issued by the cluster's CA and accepts only
/// peers that do, so knowing the cluster id and a gateway's address is not enough to join.
/// </summary>
public sealed class ClusterTlsOptions
{
    /// <summary>
    /// On unless turned off on purpose: a process without certificates then refuses to start. Off
    /// means plain TCP that any process reaching the ports can join: the in-memory test clusters, the API
    /// tests' local host and the benchmark turn it off.
    /// </summary>
    public bool Enabled { get; set; } = true;

    /// <summary>This process's certificate (PEM), issued by the cluster's CA, usable for client and server authentication.</summary>
    public string? CertificatePath { get; set; }

    /// <summary>The private key of <see cref="CertificatePath"/> (PEM, unencrypted; readable by the service account only).</summary>
    public string? KeyPath { get; set; }

    /// <summary>The cluster's CA certificate(s) (PEM): a peer's certificate must chain to one of them, and nothing else is trusted.</summary>
    public string? CaCertificatePath { get; set; }
}
