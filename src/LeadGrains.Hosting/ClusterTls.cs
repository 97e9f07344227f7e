using System.Security.Cryptography.X509Certificates;
using Orleans.Connections.Security;

namespace LeadGrains.Hosting;

/// <summary>
/// Mutual TLS on every Orleans connection: silo to silo, and client to gateway. Both ends present
/// a certificate and each accepts the other's only if it chains to the configured CA (the system's
/// trusted roots count for nothing here); host names are not checked, since silos reach each other
/// by the IP addresses in the membership table and the CA is the cluster's own.
/// </summary>
public static class ClusterTls
{
    /// <summary>TLS on the silo's inbound (silo and gateway) and outbound connections, unless <c>LeadGrains:Tls:Enabled</c> is false.</summary>
    public static ISiloBuilder UseLeadGrainsTls(this ISiloBuilder silo, ClusterTlsOptions settings)
    {
        if (settings.Enabled)
        {
            silo.UseTls(options => Configure(options, settings));
        }
        return silo;
    }

    /// <summary>TLS on the client's connections to gateways, unless <c>LeadGrains:Tls:Enabled</c> is false.</summary>
    public static IClientBuilder UseLeadGrainsTls(this IClientBuilder client, ClusterTlsOptions settings)
    {
        if (settings.Enabled)
        {
            client.UseTls(options => Configure(options, settings));
        }
        return client;
    }

    /// <summary>Whether <paramref name="certificate"/> chains to one of <paramref name="authorities"/>, and to nothing else.</summary>
    public static bool IssuedBy(X509Certificate2 certificate, X509Certificate2Collection authorities)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(authorities);
        // A cluster CA publishes no revocation list; a compromised certificate is handled by a new CA.
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(certificate);
    }

    private static void Configure(TlsOptions options, ClusterTlsOptions settings)
    {
        var certificatePath = Required(settings.CertificatePath, nameof(settings.CertificatePath));
        var keyPath = Required(settings.KeyPath, nameof(settings.KeyPath));
        var authorities = new X509Certificate2Collection();
        authorities.ImportFromPemFile(Required(settings.CaCertificatePath, nameof(settings.CaCertificatePath)));
        if (authorities.Count == 0)
        {
            throw new InvalidOperationException($"{ClusterTlsSection}:CaCertificatePath holds no certificate.");
        }

        using var pem = X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
        // A key loaded from PEM is ephemeral; TLS wants it as if from a store, so round-trip it through PKCS#12.
        options.LocalCertificate = X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), password: null);
        options.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
        options.ClientCertificateMode = RemoteCertificateMode.RequireCertificate;
        // The policy errors are ignored on purpose: the system roots do not know the cluster's CA, and
        // names are not checked (see the class summary); the chain to the configured CA is the test.
        options.RemoteCertificateValidation = (certificate, _, _) => IssuedBy(certificate, authorities);
    }

    private const string ClusterTlsSection = LeadGrainsClusterOptions.Section + ":Tls";

    private static string Required(string? path, string name) => path switch
    {
        null or "" => throw new InvalidOperationException(
            $"{ClusterTlsSection}:{name} is not set. Every silo and client needs a certificate, its key and the cluster's CA " +
            $"(deploy/local/tls.sh makes them for local use), or {ClusterTlsSection}:Enabled=false for a cluster without TLS."),
        _ when !File.Exists(path) => throw new InvalidOperationException($"{ClusterTlsSection}:{name}: {path} does not exist."),
        _ => path,
    };
}
