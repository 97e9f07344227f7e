using Orleans.TestingHost;

namespace LeadGrains.Cluster.Tests.Infrastructure;

/// <summary>
/// Two silos on real TCP sockets with mutual TLS, as in production, with the certificates
/// <c>deploy/local/tls.sh</c> makes, and production's failure detection. A joining silo pings every
/// active silo before it becomes active, each ping bounded by <c>ProbeTimeout</c>, and over TLS that
/// first ping also opens the connection and runs both handshakes; the other fixtures' 500 ms (250 ms
/// at least, once Orleans adapts it) is no margin for that on this loaded two-core machine, where the
/// second silo's join overran before. Production's 2 s is what the silos really run with.
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
