namespace LeadGrains.Abstractions.Niches;

/// <summary>A competition level to create: who may receive a lead at this level, how many, at what price.</summary>
/// <param name="Name">Display name, 1-200 characters.</param>
/// <param name="OrderPosition">Position in the niche's rotation, 1..1000, unique within the niche.</param>
/// <param name="MaxRecipients">How many providers of this level receive one lead, 1..1000.</param>
/// <param name="PriceCents">What each recipient is charged, in cents (&gt; 0).</param>
/// <param name="IsActive">Inactive levels are skipped by the rotation and the traversal.</param>
[GenerateSerializer, Immutable]
public sealed record LevelDefinition(
    [property: Id(0)] string Name,
    [property: Id(1)] int OrderPosition,
    [property: Id(2)] int MaxRecipients,
    [property: Id(3)] long PriceCents,
    [property: Id(4)] bool IsActive);
