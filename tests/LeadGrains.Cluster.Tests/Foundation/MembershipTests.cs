using Dapper;
using LeadGrains.Cluster.Tests.Infrastructure;

namespace LeadGrains.Cluster.Tests.Foundation;

public sealed class MembershipTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    private const int Active = 3;

    [Fact]
    public async Task The_membership_table_lists_both_silos_and_drops_a_stopped_one()
    {
        Assert.Equal(2, await ActiveSilos());

        var secondary = fixture.Cluster.SecondarySilos.First();
        await fixture.Cluster.StopSiloAsync(secondary);

        Assert.Equal(1, await ActiveSilos());
        await using var connection = await fixture.Db.OpenConnectionAsync();
        var stoppedStatus = await connection.QuerySingleAsync<int>(
            "SELECT status FROM orleansmembershiptable WHERE deploymentid = @clusterId AND port = @port",
            new { clusterId = fixture.Cluster.Options.ClusterId, port = secondary.SiloAddress.Endpoint.Port });
        Assert.NotEqual(Active, stoppedStatus);
    }

    private async Task<long> ActiveSilos()
    {
        await using var connection = await fixture.Db.OpenConnectionAsync();
        return await connection.QuerySingleAsync<long>(
            "SELECT count(*) FROM orleansmembershiptable WHERE deploymentid = @clusterId AND status = @Active",
            new { clusterId = fixture.Cluster.Options.ClusterId, Active });
    }
}
