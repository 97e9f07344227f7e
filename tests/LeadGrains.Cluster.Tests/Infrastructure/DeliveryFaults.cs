using System.Collections.Concurrent;
using LeadGrains.Grains.Delivery;

namespace LeadGrains.Cluster.Tests.Infrastructure;

/// <summary>Test-only delivery faults: a webhook sender that drops a provider's messages while saying they were accepted.</summary>
public sealed class DeliveryFaults
{
    private readonly ConcurrentDictionary<Guid, bool> _dropped = new();

    public void DropWebhooksOf(Guid providerId) => _dropped[providerId] = true;

    public bool Drops(Guid providerId) => _dropped.ContainsKey(providerId);
}

/// <summary>The real webhook channel, unless <see cref="DeliveryFaults"/> says to drop the provider's messages.</summary>
public sealed class FaultableWebhookChannel(WebhookChannel real, DeliveryFaults faults) : IDeliveryChannel
{
    public string Name => real.Name;

    public Task<AttemptResult> Send(DeliveryWork work, CancellationToken cancellationToken) =>
        faults.Drops(work.ProviderId) ? Task.FromResult(AttemptResult.Accepted(200)) : real.Send(work, cancellationToken);
}
