namespace LeadGrains.Abstractions.Niches;

/// <summary>One window of a weekly delivery schedule, in the provider's local time.</summary>
/// <param name="Day"><c>monday</c> to <c>sunday</c>.</param>
/// <param name="From">Start, included: <c>HH:mm</c>.</param>
/// <param name="To">End, excluded: <c>HH:mm</c> after <paramref name="From"/>, <c>24:00</c> for the end of the day.</param>
[GenerateSerializer, Immutable]
public sealed record DeliveryWindowSpec([property: Id(0)] string Day, [property: Id(1)] string From, [property: Id(2)] string To);
