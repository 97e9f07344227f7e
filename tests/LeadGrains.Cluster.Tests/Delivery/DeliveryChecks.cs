using System.Text.Json;
using LeadGrains.Cluster.Tests.Infrastructure;

namespace LeadGrains.Cluster.Tests.Delivery;

/// <summary>What "delivered" means, judged at the receiver: one message, accepted, signed with the provider's secret, about this assignment.</summary>
public static class DeliveryChecks
{
    public static void AssertDeliveredOnce(ReceiverEndpoint endpoint, string secret, Guid leadId, Guid assignmentId)
    {
        var accepted = endpoint.Accepted;
        Assert.NotEmpty(accepted);
        Assert.Single(accepted.Select(a => a.Id).Distinct());
        var webhook = accepted[0];
        Assert.True(webhook.IsSignedWith(secret), "the webhook's signature is valid for the provider's secret");
        using var body = JsonDocument.Parse(webhook.Body);
        var data = body.RootElement.GetProperty("data");
        Assert.Equal("lead.assigned", body.RootElement.GetProperty("type").GetString());
        Assert.Equal(assignmentId, data.GetProperty("assignment_id").GetGuid());
        Assert.Equal(leadId, data.GetProperty("lead_id").GetGuid());
        Assert.Equal($"{leadId:N}@example.com", data.GetProperty("lead").GetProperty("contact").GetProperty("email").GetString());
        Assert.True(data.GetProperty("price_cents").GetInt64() > 0);
    }
}
