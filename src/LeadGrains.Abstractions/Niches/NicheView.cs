namespace LeadGrains.Abstractions.Niches;

/// <summary>A niche with its levels and rotation pointer.</summary>
/// <param name="NicheId">The niche's id.</param>
/// <param name="WorkspaceId">The tenant it belongs to.</param>
/// <param name="Name">Display name, unique within the workspace.</param>
/// <param name="NextStartLevelOrderPosition">Where the next lead's traversal starts.</param>
/// <param name="Levels">The levels, ordered by position.</param>
[GenerateSerializer, Immutable]
public sealed record NicheView(
    [property: Id(0)] Guid NicheId,
    [property: Id(1)] Guid WorkspaceId,
    [property: Id(2)] string Name,
    [property: Id(3)] int NextStartLevelOrderPosition,
    [property: Id(4)] IReadOnlyList<LevelView> Levels);
