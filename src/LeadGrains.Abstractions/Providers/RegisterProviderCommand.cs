namespace LeadGrains.Abstractions.Providers;

/// <summary>Registers a lead buyer with a zero balance.</summary>
/// <param name="WorkspaceId">The tenant; must exist.</param>
/// <param name="Name">Display name, 1-200 characters.</param>
/// <param name="Email">Where assignment notifications go.</param>
/// <param name="WebhookUrl">Optional https URL that also receives assignments, signed; the server creates its secret and returns it once.</param>
/// <param name="EmailEnabled">Whether assignments are also e-mailed to <paramref name="Email"/> (default on).</param>
/// <param name="SmsPhone">Optional E.164 number that also receives a text per assignment.</param>
[GenerateSerializer, Immutable]
public sealed record RegisterProviderCommand(
    [property: Id(0)] Guid WorkspaceId,
    [property: Id(1)] string Name,
    [property: Id(2)] string Email,
    [property: Id(3)] string? WebhookUrl,
    [property: Id(4)] bool EmailEnabled = true,
    [property: Id(5)] string? SmsPhone = null);
