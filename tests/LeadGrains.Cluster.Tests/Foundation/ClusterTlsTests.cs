using LeadGrains.Abstractions.Workspaces;
using LeadGrains.Cluster.Tests.Infrastructure;
using LeadGrains.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace LeadGrains.Cluster.Tests.Foundation;

/// <summary>
/// The gateways admit only clients whose certificate the cluster's CA issued: each test starts an
/// Orleans client of its own, configured as the API's (<c>AddLeadGrainsClient</c>), against the
/// fixture's silo (TCP, mutual TLS), knowing everything an outsider could know (cluster id, service id, the
/// membership table, the CA's public certificate) and differing only in the certificate it holds.
/// </summary>
public sealed class ClusterTlsTests(TlsClusterFixture fixture) : IClassFixture<TlsClusterFixture>
{
    [Fact]
    public async Task A_client_with_a_certificate_the_cluster_CA_issued_joins_and_calls_grains()
    {
        using var client = await StartClient(TestCertificates.Cluster);

        var workspace = Guid.NewGuid();
        await client.Services.GetRequiredService<IClusterClient>().GetGrain<IWorkspaceGrain>(workspace).Create("over tls");

        Assert.Equal("over tls", (await fixture.Grains.GetGrain<IWorkspaceGrain>(workspace).Get())?.Name);
    }

    [Fact]
    public async Task A_client_with_another_CAs_certificate_or_without_TLS_cannot_join()
    {
        // The outsider trusts the cluster's CA, so the only thing wrong is its own certificate: the silos refuse it.
        var outsider = new Dictionary<string, string>(TestCertificates.FromAnotherAuthority())
        {
            ["LeadGrains:Tls:CaCertificatePath"] = TestCertificates.Cluster["LeadGrains:Tls:CaCertificatePath"],
        };
        var plain = new Dictionary<string, string> { ["LeadGrains:Tls:Enabled"] = "false" };

        // Side by side: each is refused only once Orleans gives up on the gateways (minutes, not seconds).
        var refused = await Task.WhenAll(Record.ExceptionAsync(() => StartClient(outsider)), Record.ExceptionAsync(() => StartClient(plain)));

        Assert.All(refused, failure => Assert.IsAssignableFrom<OrleansException>(failure));
    }

    private async Task<IHost> StartClient(IReadOnlyDictionary<string, string> tls)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:LeadGrains"] = fixture.ConnectionString,
            ["LeadGrains:ClusterId"] = fixture.Cluster.Options.ClusterId,
            ["LeadGrains:ServiceId"] = fixture.Cluster.Options.ServiceId,
        });
        builder.Configuration.AddInMemoryCollection(tls.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value)));
        builder.UseOrleansClient(client => client.AddLeadGrainsClient(LeadGrainsClusterOptions.From(builder.Configuration)));
        var host = builder.Build();
        try
        {
            await host.StartAsync();
            return host;
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }
}
