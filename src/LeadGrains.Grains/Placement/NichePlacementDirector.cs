using LeadGrains.Abstractions.Leads;
using Orleans.Runtime.Placement;

namespace LeadGrains.Grains.Placement;

/// <summary>
/// Maps a niche to one of the compatible silos — the same one for the niche grain and for every
/// lead grain placed with a hint naming it — by its id's hash over the silos in address order.
/// When the silos change, new activations follow the new map; existing ones stay where they are
/// (a lead grain then calls its niche across silos until one of them moves).
/// </summary>
public sealed class NichePlacementDirector : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var silos = context.GetCompatibleSilos(target);
        var niche = strategy is NichePlacement ? target.GrainIdentity.GetGuidKey() : NicheHint.Read(target.RequestContextData);
        if (niche is { } nicheId)
        {
            var ordered = silos.Order().ToArray();
            return Task.FromResult(ordered[(int)((uint)nicheId.GetHashCode() % (uint)ordered.Length)]);
        }
        return Task.FromResult(silos.Contains(context.LocalSilo) ? context.LocalSilo : silos[Random.Shared.Next(silos.Length)]);
    }
}
