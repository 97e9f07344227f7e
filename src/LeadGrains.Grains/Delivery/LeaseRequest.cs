namespace LeadGrains.Grains.Delivery;

/// <summary>
/// What a silo may take on: up to <see cref="Room"/> deliveries, at most <see cref="PerEndpoint"/> per
/// endpoint less what it has in flight there (<see cref="InFlight"/>), leased to it until <see cref="LeaseUntil"/>.
/// </summary>
public sealed record LeaseRequest(DateTimeOffset LeaseUntil, Guid LeaseToken, string Silo, int Room, int PerEndpoint,
    IReadOnlyDictionary<DeliveryEndpoint, int> InFlight);
