namespace LeadGrains.Abstractions.Providers;

/// <summary>
/// One provider (lead buyer): its balance and the atomic charge for each assignment. Its turns are
/// serial, and the database enforces the rest: a lead reaches a provider once, a balance never goes negative.
/// </summary>
public interface IProviderGrain : IGrainWithGuidKey
{
    /// <summary>Registers the provider (its key is the new provider id). Throws <see cref="ValidationFailedException"/> on bad input.</summary>
    Task<ProviderView> Register(RegisterProviderCommand command);

    /// <summary>The provider, or null if it does not exist.</summary>
    Task<ProviderView?> Get();

    /// <summary>Changes name, contact or status. Throws <see cref="ValidationFailedException"/> on bad input.</summary>
    Task<ProviderView> Update(ProviderUpdate update);

    /// <summary>Adds funds idempotently and reactivates subscriptions the new balance covers.</summary>
    Task<DepositResult> Deposit(DepositCommand command);

    /// <summary>
    /// Creates the assignment and charges its price in one database transaction; idempotent on
    /// (lead, provider). Expected refusals are outcomes, not exceptions.
    /// </summary>
    Task<ChargeResult> ChargeForAssignment(ChargeRequest request);
}
