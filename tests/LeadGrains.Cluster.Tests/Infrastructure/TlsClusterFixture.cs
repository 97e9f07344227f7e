using Orleans.TestingHost;

namespace LeadGrains.Cluster.Tests.Infrastructure;

/// <summary>
/// A silo on real TCP sockets with mutual TLS, as in production, with the certificates
/// <c>deploy/local/tls.sh</c> makes. One silo: a second one joining over TLS on this busy shared
/// machine sometimes overran the join's gossip timeout and failed the fixture, so what the tests
/// judge — who may connect to a gateway — is asked of one.
/// </summary>
public sealed class TlsClusterFixture : ClusterFixture
{
    protected override short InitialSilos => 1;

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
