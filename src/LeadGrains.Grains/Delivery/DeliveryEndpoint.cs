namespace LeadGrains.Grains.Delivery;

/// <summary>A provider's receiver on one channel: its webhook URL, its mailbox or its phone.</summary>
public readonly record struct DeliveryEndpoint(Guid ProviderId, string Channel);
