using System.Text.Json;
using LeadGrains.Abstractions.Providers;
using LeadGrains.Cluster.Tests.Infrastructure;
using static LeadGrains.Cluster.Tests.Infrastructure.Scenario;

namespace LeadGrains.Cluster.Tests.Delivery;

/// <summary>The generic HTTP SMS gateway sender, against a local sink.</summary>
[Collection(DeliveryCollection.Name)]
public sealed class SmsDeliveryTests(DeliveryClusterFixture fixture)
{
    [Fact]
    public async Task A_provider_with_an_sms_number_gets_a_text_through_the_gateway_with_the_delivery_id_as_idempotency_key()
    {
        var s = await Scenario.Start(fixture.Grains);
        var niche = await s.Niche(new Level(1, 1, 1_999));
        var providerId = Guid.NewGuid();
        var phone = $"+1214555{Random.Shared.Next(1000, 9999)}";
        var provider = fixture.Grains.GetGrain<IProviderGrain>(providerId);
        await provider.Register(new RegisterProviderCommand(s.WorkspaceId, "Texting Buyer", "texting@example.com", null, EmailEnabled: false, SmsPhone: phone));
        await provider.Deposit(new DepositCommand(10_000, "initial", null));
        await s.Subscribe(niche, providerId, 1);
        var lead = await s.Lead(niche);
        await s.Distribute(lead);

        var delivery = await Eventually.Value(async () => (await fixture.Deliveries(providerId)).SingleOrDefault(d => d.State == "delivered"),
            "the gateway accepted the text");
        Assert.Equal("sms", delivery.Channel);
        var call = fixture.SmsGateway.Accepted.Single(c => c.IdempotencyKey == delivery.Id.ToString());
        using var body = JsonDocument.Parse(call.Body);
        Assert.Equal(phone, body.RootElement.GetProperty("to").GetString());
        var text = body.RootElement.GetProperty("text").GetString()!;
        Assert.Contains(niche.Name, text);
        Assert.Contains("$19.99", text);
        Assert.Contains($"{lead:N}@example.com", text);
    }
}
