using Orleans.Placement;

namespace LeadGrains.Grains.Placement;

/// <summary>
/// Places a niche grain on the silo its id maps to among the silos up (<see cref="NichePlacementDirector"/>),
/// so that the lead grains of the niche, placed by <see cref="WithItsNichePlacement"/>, land beside it.
/// </summary>
[GenerateSerializer, Immutable]
public sealed class NichePlacement : PlacementStrategy;

[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class NichePlacementAttribute() : PlacementAttribute(new NichePlacement());
