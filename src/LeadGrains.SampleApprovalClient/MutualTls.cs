using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Configuration;
using Orleans.Connections.Security;

namespace LeadGrains.SampleApprovalClient;

/// <summary>
/// The cluster admits only clients that present a certificate its CA issued, and this client talks
/// only to silos that do. It reads the silos' own keys: <c>LeadGrains:Tls:CertificatePath</c> and
/// <c>KeyPath</c> (this client's certificate and key, PEM) and <c>CaCertificatePath</c> (the cluster's CA).
/// </summary>
public static class MutualTls
{
    public static IClientBuilder UseClusterTls(this IClientBuilder client, IConfiguration configuration)
    {
        if (!configuration.GetValue("LeadGrains:Tls:Enabled", true))
        {
            return client;
        }
        var authorities = new X509Certificate2Collection();
        authorities.ImportFromPemFile(Setting(configuration, "CaCertificatePath"));
        using var pem = X509Certificate2.CreateFromPemFile(Setting(configuration, "CertificatePath"), Setting(configuration, "KeyPath"));
        // A key loaded from PEM is ephemeral; TLS wants it as if from a store, so round-trip it through PKCS#12.
        var certificate = X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), password: null);
        return client.UseTls(certificate, options =>
        {
            options.ClientCertificateMode = RemoteCertificateMode.RequireCertificate;
            options.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
            // Only the cluster's CA counts (not the system's roots), and silos are reached by IP, so no name check.
            options.RemoteCertificateValidation = (silo, _, _) =>
            {
                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.AddRange(authorities);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                return chain.Build(silo);
            };
        });
    }

    private static string Setting(IConfiguration configuration, string key) =>
        configuration[$"LeadGrains:Tls:{key}"] is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"LeadGrains:Tls:{key} is not set; the cluster admits only clients with a certificate its CA issued (deploy/local/run.sh prints the local ones).");
}
