using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace LeadGrains.Api.Tests.Operations;

/// <summary>
/// The local host's silo binds its ports to the address appsettings.json names (loopback) and no
/// other: it advertises that address in the membership table, and its gateway cannot be reached
/// through the machine's other addresses.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class ClusterAddressTests(LocalApiHost host)
{
    [Fact]
    public async Task The_silo_advertises_and_listens_on_the_configured_address_only()
    {
        var endpoints = host.Services.GetRequiredService<IOptions<EndpointOptions>>().Value;
        var clusterId = host.Services.GetRequiredService<IOptions<ClusterOptions>>().Value.ClusterId;

        Assert.Equal(IPAddress.Loopback, endpoints.AdvertisedIPAddress);
        await using var connection = await host.Database.OpenConnectionAsync();
        Assert.Equal(new[] { "127.0.0.1" }, await connection.QueryAsync<string>(
            "SELECT DISTINCT address FROM orleansmembershiptable WHERE deploymentid = @clusterId", new { clusterId }));

        using (var loopback = new TcpClient())
        {
            await loopback.ConnectAsync(IPAddress.Loopback, endpoints.GatewayPort);
        }
        foreach (var other in OtherAddressesOfThisMachine())
        {
            using var elsewhere = new TcpClient(other.AddressFamily);
            var refused = await Record.ExceptionAsync(() => elsewhere.ConnectAsync(other, endpoints.GatewayPort));
            Assert.True(refused is SocketException, $"the gateway answered on {other}");
        }
    }

    private static IEnumerable<IPAddress> OtherAddressesOfThisMachine() =>
        NetworkInterface.GetAllNetworkInterfaces()
            .Where(i => i.OperationalStatus == OperationalStatus.Up)
            .SelectMany(i => i.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .Where(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a));
}
