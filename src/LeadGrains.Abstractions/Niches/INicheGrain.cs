using Orleans.Concurrency;

namespace LeadGrains.Abstractions.Niches;

/// <summary>
/// One niche: its levels, rotation pointer and subscriptions' fairness order. Its turns are
/// serial, so two distributions of the same niche never race for the same decision.
/// </summary>
public interface INicheGrain : IGrainWithGuidKey
{
    /// <summary>Creates the niche (its key is the new niche id). Throws <see cref="ValidationFailedException"/> on bad input.</summary>
    Task<NicheView> Create(CreateNicheCommand command);

    /// <summary>The niche, or null if it does not exist.</summary>
    Task<NicheView?> Get();

    /// <summary>Adds a level. Throws <see cref="ValidationFailedException"/> on bad input or a taken position.</summary>
    Task<LevelView> AddLevel(LevelDefinition level);

    /// <summary>Changes a level. Throws <see cref="ValidationFailedException"/> on bad input or an unknown level.</summary>
    Task<LevelView> UpdateLevel(Guid levelId, LevelUpdate update);

    /// <summary>
    /// Subscribes a provider of the niche's workspace to one of its levels (status <c>active</c>).
    /// Throws <see cref="ValidationFailedException"/> if the level or provider is unknown or already subscribed.
    /// </summary>
    Task<SubscriptionView> Subscribe(Guid providerId, Guid levelId, SubscriptionFilters filters);

    /// <summary>Sets a subscription's status (<c>active</c> or <c>paused</c>) and/or filters.</summary>
    Task<SubscriptionView> UpdateSubscription(Guid subscriptionId, string? status, SubscriptionFilters? filters);

    /// <summary>
    /// Sets a subscription's caps, budgets and delivery hours and the bounds its provider may choose its
    /// own within (an admin's change), recounting what it took in the current periods. Throws
    /// <see cref="ValidationFailedException"/> on bad input or an unknown subscription.
    /// </summary>
    Task<SubscriptionControlsView> SetControls(Guid subscriptionId, SubscriptionControlsSpec controls);

    /// <summary>
    /// The provider's own change of its subscription's caps and delivery hours, within the bounds the
    /// admin set (which stay). Throws <see cref="ValidationFailedException"/> on bad input, outside the
    /// bounds, or when the admin set none (field <c>provider_bounds</c>).
    /// </summary>
    Task<SubscriptionControlsView> SetOwnControls(Guid subscriptionId, SubscriptionCapsSpec? caps, IReadOnlyList<DeliveryWindowSpec>? deliveryHours);

    /// <summary>The subscription's controls and what it took in the current periods; null if it is not one of the niche's.</summary>
    Task<SubscriptionControlsView?> GetControls(Guid subscriptionId);

    /// <summary>
    /// Distributes one approved lead under the rotation and fairness rules, charging each recipient,
    /// in one transaction: a repeat for a lead already distributed charges nobody and is refused.
    /// Called by the lead's grain. Interleaves with itself: the niche decides each lead in turn from
    /// what it holds in memory, without waiting for the previous one's commit, and the database
    /// records the decisions in that order, in groups, refusing any that is no longer true. A niche
    /// at its limit of distributions in flight answers busy at once (the lead grain queues the lead again).
    /// Every expected outcome is in the answer; an exception is a fault.
    /// </summary>
    [AlwaysInterleave]
    Task<Distribution.NicheDistributionAnswer> Distribute(Distribution.DistributionRequest request);

    /// <summary>Re-reads the given subscriptions' status after a balance change elsewhere (e.g. a deposit).</summary>
    [OneWay]
    Task RefreshSubscriptions(IReadOnlyList<Guid> subscriptionIds);
}
