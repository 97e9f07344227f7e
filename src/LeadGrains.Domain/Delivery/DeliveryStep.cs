namespace LeadGrains.Domain.Delivery;

/// <summary>A delivery's state after an attempt: <c>delivered</c>, <c>dead</c>, or still <c>pending</c> until <see cref="NextAttemptAt"/>.</summary>
public sealed record DeliveryStep(string State, DateTimeOffset? NextAttemptAt)
{
    public static readonly DeliveryStep Delivered = new("delivered", null);

    public static readonly DeliveryStep Dead = new("dead", null);

    public static DeliveryStep RetryAt(DateTimeOffset at) => new("pending", at);
}
