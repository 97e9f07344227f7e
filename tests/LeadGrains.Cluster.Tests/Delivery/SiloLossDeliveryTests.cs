using Dapper;
using LeadGrains.Cluster.Tests.Infrastructure;
using static LeadGrains.Cluster.Tests.Infrastructure.Scenario;

namespace LeadGrains.Cluster.Tests.Delivery;

/// <summary>A silo dies while its webhook is on the wire: once its lease runs out another silo sends the same message again.</summary>
public sealed class SiloLossDeliveryTests(DeliveryClusterFixture fixture) : IClassFixture<DeliveryClusterFixture>
{
    [Fact]
    public async Task A_webhook_whose_silo_was_killed_mid_send_is_delivered_by_another_silo_under_the_same_id()
    {
        var release = new TaskCompletionSource();
        var endpoint = fixture.Receiver.NewEndpoint().Answer(new Reply(200, Hang: release.Task), 200);
        var s = await Scenario.Start(fixture.Grains);
        var niche = await s.Niche(new Level(1, 1, 100));
        var (providerId, secret) = await fixture.WebhookProvider(s, endpoint.Url);
        await s.Subscribe(niche, providerId, 1);
        var lead = await s.Lead(niche);
        await s.Distribute(lead);
        await Eventually.True(() => Task.FromResult(endpoint.Received.Count == 1), "the first try reached the receiver");

        await using var connection = await fixture.Db.OpenConnectionAsync();
        var leasedBy = await connection.QuerySingleAsync<string>("SELECT leased_by FROM deliveries WHERE provider_id = @providerId", new { providerId });
        var sender = fixture.Cluster.Silos.Single(silo => silo.SiloAddress.ToString() == leasedBy);
        await fixture.Cluster.KillSiloAsync(sender);
        release.SetResult();
        Assert.Empty(endpoint.Accepted);

        // Nothing was recorded for the killed try; the lease (60 s) still holds it.
        var held = (await fixture.Deliveries(providerId)).Single();
        Assert.Equal(("pending", 1), (held.State, held.Attempts));
        fixture.Cluster.Advance(TimeSpan.FromSeconds(61));

        var delivered = await Eventually.Value(async () => (await fixture.Deliveries(providerId)).SingleOrDefault(d => d.State == "delivered"),
            "a surviving silo delivered it");
        Assert.Equal(2, delivered.Attempts);
        Assert.Equal(2, endpoint.Received.Count);
        Assert.Single(endpoint.Received.Select(r => r.Id).Distinct());
        DeliveryChecks.AssertDeliveredOnce(endpoint, secret, lead, delivered.AssignmentId);
    }
}
