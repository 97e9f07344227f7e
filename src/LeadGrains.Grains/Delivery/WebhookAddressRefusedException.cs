namespace LeadGrains.Grains.Delivery;

/// <summary>A webhook's host resolved to no address webhooks may reach.</summary>
public sealed class WebhookAddressRefusedException(string message) : Exception(message);
