namespace LeadGrains.Abstractions.Providers;

/// <summary>A partial change of a provider; null members stay as they are.</summary>
/// <param name="Name">New display name.</param>
/// <param name="Email">New notification address.</param>
/// <param name="WebhookUrl">New webhook URL; an empty string removes the webhook (and its secrets).</param>
/// <param name="Status"><c>active</c> or <c>inactive</c>.</param>
/// <param name="EmailEnabled">Turns the e-mail channel on or off.</param>
/// <param name="SmsPhone">New E.164 SMS number; an empty string removes it.</param>
[GenerateSerializer, Immutable]
public sealed record ProviderUpdate(
    [property: Id(0)] string? Name,
    [property: Id(1)] string? Email,
    [property: Id(2)] string? WebhookUrl,
    [property: Id(3)] string? Status,
    [property: Id(4)] bool? EmailEnabled = null,
    [property: Id(5)] string? SmsPhone = null);
