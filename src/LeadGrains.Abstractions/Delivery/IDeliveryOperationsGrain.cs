namespace LeadGrains.Abstractions.Delivery;

/// <summary>
/// An operator's hand on one workspace's lead deliveries (its key is the workspace id): resend,
/// retry or resolve dead deliveries, test-fire a provider's webhook, and the workspace's message
/// template. Delivery itself needs no call: every assignment is delivered on its provider's channels.
/// </summary>
public interface IDeliveryOperationsGrain : IGrainWithGuidKey
{
    /// <summary>
    /// Sends an assignment's deliveries again (all channels, or <paramref name="channel"/>), under their
    /// own message ids. Deliveries still pending are left as they are, so repeating the call adds nothing.
    /// </summary>
    Task<ResendResult> Resend(Guid assignmentId, string? channel, string actor);

    /// <summary>Puts a dead delivery back in line with a fresh give-up period.</summary>
    Task<DeadDeliveryOutcome> Retry(Guid deliveryId, string actor);

    /// <summary>Marks a dead delivery dealt with (it stays dead, out of the open dead-letter list).</summary>
    Task<DeadDeliveryOutcome> Resolve(Guid deliveryId, string actor, string? note);

    /// <summary>POSTs a signed <c>webhook.test</c> event to the provider's webhook URL now and says how it went; records nothing.</summary>
    Task<TestFireResult> TestFire(Guid providerId);

    /// <summary>The workspace's <c>lead_assigned</c> template (the built-in one until it is saved).</summary>
    /// <param name="cancellationToken">Cancels the call and its database query (a caller that went away).</param>
    Task<TemplateView> GetTemplate(CancellationToken cancellationToken = default);

    /// <summary>Saves the template. Throws <see cref="ValidationFailedException"/> for an unknown variable or an empty or oversize part.</summary>
    Task<TemplateView> SaveTemplate(TemplateParts template, string actor);

    /// <summary>The template (the given one, or the saved one) filled in with sample values. Throws <see cref="ValidationFailedException"/> like <see cref="SaveTemplate"/>.</summary>
    Task<TemplateParts> Preview(TemplateParts? template);
}
