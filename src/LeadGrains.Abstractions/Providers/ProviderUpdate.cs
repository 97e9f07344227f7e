namespace LeadGrains.Abstractions.Providers;

/// <summary>A partial change of a provider; null members stay as they are.</summary>
/// <param name="Name">New display name.</param>
/// <param name="Email">New notification address.</param>
/// <param name="WebhookUrl">New webhook URL.</param>
/// <param name="Status"><c>active</c> or <c>inactive</c>.</param>
[GenerateSerializer, Immutable]
public sealed record ProviderUpdate(
    [property: Id(0)] string? Name,
    [property: Id(1)] string? Email,
    [property: Id(2)] string? WebhookUrl,
    [property: Id(3)] string? Status);
