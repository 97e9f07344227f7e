using Orleans.Placement;

namespace LeadGrains.Grains.Placement;

/// <summary>
/// Places a lead grain on the silo of its niche when the call that activates it names the niche
/// (<see cref="NicheHint"/>): its distribution then calls the niche grain within the silo, with no
/// message to serialize or send. Without a hint it stays on the silo that received the call.
/// </summary>
[GenerateSerializer, Immutable]
public sealed class WithItsNichePlacement : PlacementStrategy;

[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class WithItsNichePlacementAttribute() : PlacementAttribute(new WithItsNichePlacement());
