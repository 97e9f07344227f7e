namespace LeadGrains.Grains.Delivery;

/// <summary>
/// A way to reach a provider (e-mail, webhook, SMS; WhatsApp would be one more). A channel sends one
/// delivery and says how it went; it never throws for a receiver's failure, and it must send the same
/// message id on every try (<see cref="DeliveryWork.DeliveryId"/>) so receivers can drop repeats.
/// </summary>
public interface IDeliveryChannel
{
    /// <summary>The <c>deliveries.channel</c> value it sends.</summary>
    string Name { get; }

    Task<AttemptResult> Send(DeliveryWork work, CancellationToken cancellationToken);
}
