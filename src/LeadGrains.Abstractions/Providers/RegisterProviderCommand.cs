namespace LeadGrains.Abstractions.Providers;

/// <summary>Registers a lead buyer with a zero balance.</summary>
/// <param name="WorkspaceId">The tenant; must exist.</param>
/// <param name="Name">Display name, 1-200 characters.</param>
/// <param name="Email">Where assignment notifications go.</param>
/// <param name="WebhookUrl">Optional absolute http(s) URL that also receives assignments.</param>
[GenerateSerializer, Immutable]
public sealed record RegisterProviderCommand(
    [property: Id(0)] Guid WorkspaceId,
    [property: Id(1)] string Name,
    [property: Id(2)] string Email,
    [property: Id(3)] string? WebhookUrl);
