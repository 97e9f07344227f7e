namespace LeadGrains.Abstractions.Niches;

/// <summary>A partial change of a level; null members stay as they are.</summary>
/// <param name="Name">New display name.</param>
/// <param name="MaxRecipients">New recipients per lead.</param>
/// <param name="PriceCents">New price per recipient, in cents.</param>
/// <param name="IsActive">Switch the level on or off.</param>
[GenerateSerializer, Immutable]
public sealed record LevelUpdate(
    [property: Id(0)] string? Name,
    [property: Id(1)] int? MaxRecipients,
    [property: Id(2)] long? PriceCents,
    [property: Id(3)] bool? IsActive);
