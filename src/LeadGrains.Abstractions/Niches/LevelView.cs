namespace LeadGrains.Abstractions.Niches;

/// <summary>A competition level as stored.</summary>
/// <param name="LevelId">The level's id.</param>
/// <param name="Name">Display name.</param>
/// <param name="OrderPosition">Position in the niche's rotation.</param>
/// <param name="MaxRecipients">Recipients per lead.</param>
/// <param name="PriceCents">Price per recipient, in cents.</param>
/// <param name="IsActive">Whether the level takes part in distributions.</param>
[GenerateSerializer, Immutable]
public sealed record LevelView(
    [property: Id(0)] Guid LevelId,
    [property: Id(1)] string Name,
    [property: Id(2)] int OrderPosition,
    [property: Id(3)] int MaxRecipients,
    [property: Id(4)] long PriceCents,
    [property: Id(5)] bool IsActive);
