namespace LeadGrains.Abstractions.Providers;

/// <summary>
/// One provider (lead buyer): registration, contact, status and deposits. Charges happen inside each
/// niche's distribution transaction (the SQL function <c>record_distributions</c>), which locks the
/// provider's row; the database enforces the rest: a lead reaches a provider once, a balance never goes negative.
/// </summary>
public interface IProviderGrain : IGrainWithGuidKey
{
    /// <summary>Registers the provider (its key is the new provider id). Throws <see cref="ValidationFailedException"/> on bad input.</summary>
    Task<ProviderView> Register(RegisterProviderCommand command);

    /// <summary>The provider, or null if it does not exist.</summary>
    Task<ProviderView?> Get();

    /// <summary>Changes name, contact or status. Throws <see cref="ValidationFailedException"/> on bad input.</summary>
    Task<ProviderView> Update(ProviderUpdate update);

    /// <summary>
    /// Replaces the webhook signing secret; the previous one keeps signing for <paramref name="overlap"/>
    /// (null: the configured default), so the receiver can switch without missing a message. Throws
    /// <see cref="ValidationFailedException"/> if the provider has no webhook or the overlap is out of range.
    /// </summary>
    Task<WebhookSecretRotation> RotateWebhookSecret(TimeSpan? overlap);

    /// <summary>
    /// Sets the IANA time zone (e.g. <c>America/Chicago</c>) the provider's caps, budgets and delivery
    /// hours are counted in, and recounts its capped subscriptions' current periods in it. Throws
    /// <see cref="ValidationFailedException"/> for an unknown zone or a provider of another workspace.
    /// </summary>
    /// <returns>The zone as set.</returns>
    Task<string> SetTimeZone(Guid workspaceId, string timeZone);

    /// <summary>Adds funds idempotently and reactivates subscriptions the new balance covers.</summary>
    Task<DepositResult> Deposit(DepositCommand command);
}
