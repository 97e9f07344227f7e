using Orleans.TestingHost;

namespace LeadGrains.Cluster.Tests.Infrastructure;

/// <summary>
/// Two silos on real TCP sockets with mutual TLS on every connection, as in production: silo to
/// silo, and the test client to the gateways, with the certificates <c>deploy/local/tls.sh</c> makes.
/// </summary>
public sealed class TlsClusterFixture : ClusterFixture
{
    protected override void Configure(TestClusterBuilder builder)
    {
        builder.Options.ConnectionTransport = ConnectionTransportType.TcpSocket;
        builder.Properties["LeadGrains:Tls:Enabled"] = "true";
        foreach (var (key, value) in TestCertificates.Cluster)
        {
            builder.Properties[key] = value;
        }
    }
}
