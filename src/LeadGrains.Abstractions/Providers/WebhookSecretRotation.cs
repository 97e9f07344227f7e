namespace LeadGrains.Abstractions.Providers;

/// <summary>A new webhook signing secret, shown this once. Until <paramref name="PreviousSecretExpiresAt"/> webhooks carry signatures by both the new and the previous secret.</summary>
/// <param name="Secret">The new secret (<c>whsec_…</c>).</param>
/// <param name="PreviousSecretExpiresAt">When the previous secret stops signing.</param>
[GenerateSerializer, Immutable]
public sealed record WebhookSecretRotation(
    [property: Id(0)] string Secret,
    [property: Id(1)] DateTimeOffset PreviousSecretExpiresAt);
