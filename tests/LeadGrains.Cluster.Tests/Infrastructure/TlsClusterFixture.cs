using Orleans.TestingHost;

namespace LeadGrains.Cluster.Tests.Infrastructure;

/// <summary>
/// Two silos on real TCP sockets with mutual TLS, as in production, with the certificates
/// <c>deploy/local/tls.sh</c> makes, and production's failure detection. The other fixtures'
/// quicker probes suit in-memory connections only: a joining silo must answer-check every active
/// silo within one <c>ProbeTimeout</c>, and over TLS that first ping also opens the connection and
/// runs both handshakes, which on this loaded two-core machine overran 500 ms and left the second
/// silo retrying its join every five seconds or declared dead by the first.
/// </summary>
public sealed class TlsClusterFixture : ClusterFixture
{
    protected override void Configure(TestClusterBuilder builder)
    {
        builder.Options.ConnectionTransport = ConnectionTransportType.TcpSocket;
        foreach (var key in QuickFailureDetection.Keys)
        {
            builder.Properties.Remove(key);
        }
        builder.Properties["LeadGrains:Tls:Enabled"] = "true";
        foreach (var (key, value) in TestCertificates.Cluster)
        {
            builder.Properties[key] = value;
        }
    }
}
