using LeadGrains.Cluster.Tests.Infrastructure;

namespace LeadGrains.Cluster.Tests.Delivery;

/// <summary>The delivery tests share one cluster, receiver and SMTP server; each test uses its own workspace and endpoints.</summary>
[CollectionDefinition(Name)]
public sealed class DeliveryCollection : ICollectionFixture<DeliveryClusterFixture>
{
    public const string Name = "delivery";
}
