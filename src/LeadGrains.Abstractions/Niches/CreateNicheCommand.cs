namespace LeadGrains.Abstractions.Niches;

/// <summary>Creates a niche with its levels in one step.</summary>
/// <param name="WorkspaceId">The tenant; must exist.</param>
/// <param name="Name">Display name, 1-200 characters, unique within the workspace.</param>
/// <param name="Levels">At least one level; order positions unique.</param>
[GenerateSerializer, Immutable]
public sealed record CreateNicheCommand(
    [property: Id(0)] Guid WorkspaceId,
    [property: Id(1)] string Name,
    [property: Id(2)] IReadOnlyList<LevelDefinition> Levels);
