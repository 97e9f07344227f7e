using LeadGrains.Abstractions.Workspaces;
using LeadGrains.Cluster.Tests.Infrastructure;
using LeadGrains.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace LeadGrains.Cluster.Tests.Foundation;

/// <summary>
/// Two silos holding certificates of the cluster's CA form one cluster over TCP with mutual TLS,
/// and grains call each other across them. The silo and gateway ports admit only processes whose
/// certificate that CA issued: the client tests start an Orleans client of their own, configured as
/// the API's (<c>AddLeadGrainsClient</c>), and the silo test a third silo, each knowing everything
/// an outsider could know (cluster id, service id, the membership table, the CA's public
/// certificate) and differing only in the certificate it holds.
/// </summary>
public sealed class ClusterTlsTests(TlsClusterFixture fixture) : IClassFixture<TlsClusterFixture>
{
    [Fact]
    public async Task Two_silos_with_the_CAs_certificates_form_one_cluster_and_a_grain_call_crosses_between_them()
    {
        var hosts = await fixture.Grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true);
        Assert.Equal(2, hosts.Count);

        // Placement is the cluster's to choose: new grains until two of them live on different silos.
        var first = fixture.Grains.GetGrain<ISiloHopGrain>(Guid.NewGuid());
        var firstSilo = await first.Silo();
        Guid? elsewhere = null;
        for (var tries = 0; tries < 64 && elsewhere is null; tries++)
        {
            var key = Guid.NewGuid();
            if (await fixture.Grains.GetGrain<ISiloHopGrain>(key).Silo() != firstSilo)
            {
                elsewhere = key;
            }
        }
        Assert.NotNull(elsewhere);

        var answeredFrom = await first.SiloOf(elsewhere.Value);

        Assert.NotEqual(firstSilo, answeredFrom);
        Assert.Equal(await fixture.Grains.GetGrain<ISiloHopGrain>(elsewhere.Value).Silo(), answeredFrom);
    }

    [Fact]
    public async Task A_silo_with_another_CAs_certificate_cannot_join()
    {
        var outsider = new Dictionary<string, string?>(TestCertificates.FromAnotherAuthority().Select(s => KeyValuePair.Create(s.Key, (string?)s.Value)))
        {
            ["LeadGrains:Tls:CaCertificatePath"] = TestCertificates.Cluster["LeadGrains:Tls:CaCertificatePath"],
            // A joining silo retries its first pings every 5 s until this runs out (5 minutes by default).
            ["LeadGrains:Membership:MaxJoinAttemptTime"] = "00:00:12",
        };

        var refused = await Record.ExceptionAsync(() => fixture.Cluster.StartSiloAsync(
            fixture.Cluster.Silos.Count + 1, fixture.Cluster.Options, [new MemoryConfigurationSource { InitialData = outsider }], startSiloOnNewPort: true));

        Assert.NotNull(refused);
        var hosts = await fixture.Grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true);
        Assert.Equal(fixture.Cluster.Silos.Select(silo => silo.SiloAddress).ToHashSet(), hosts.Keys.ToHashSet());
    }

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

        // Side by side: each is refused once its client gives up on the gateways (FewConnectionAttempts).
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
        builder.Services.AddSingleton<IClientConnectionRetryFilter, FewConnectionAttempts>();
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

    /// <summary>
    /// Three attempts a second apart instead of Orleans' default fifteen over about three minutes
    /// (which made each refusal take that long): the cluster is up before any client starts, so
    /// three failures are a refusal, not a cluster still starting.
    /// </summary>
    private sealed class FewConnectionAttempts : IClientConnectionRetryFilter
    {
        private int _failures;

        public async Task<bool> ShouldRetryConnectionAttempt(Exception exception, CancellationToken cancellationToken)
        {
            if (++_failures >= 3)
            {
                return false;
            }
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            return true;
        }
    }
}
