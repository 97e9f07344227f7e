namespace LeadGrains.Abstractions.Providers;

/// <summary>A provider as stored, with its balance.</summary>
/// <param name="ProviderId">The provider's id.</param>
/// <param name="WorkspaceId">The tenant it belongs to.</param>
/// <param name="Name">Display name.</param>
/// <param name="Email">Notification address.</param>
/// <param name="WebhookUrl">Webhook URL, if any.</param>
/// <param name="Status"><c>active</c> or <c>inactive</c>.</param>
/// <param name="BalanceCents">Prepaid balance in cents; never negative.</param>
/// <param name="EmailEnabled">Whether assignments are e-mailed.</param>
/// <param name="SmsPhone">The SMS number, if any.</param>
/// <param name="WebhookSecret">The webhook signing secret, only in the answer that created it (registration, or a first webhook URL); never again.</param>
[GenerateSerializer, Immutable]
public sealed record ProviderView(
    [property: Id(0)] Guid ProviderId,
    [property: Id(1)] Guid WorkspaceId,
    [property: Id(2)] string Name,
    [property: Id(3)] string Email,
    [property: Id(4)] string? WebhookUrl,
    [property: Id(5)] string Status,
    [property: Id(6)] long BalanceCents,
    [property: Id(7)] bool EmailEnabled,
    [property: Id(8)] string? SmsPhone,
    [property: Id(9)] string? WebhookSecret);
