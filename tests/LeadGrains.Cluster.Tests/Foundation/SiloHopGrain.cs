using Orleans.Placement;

namespace LeadGrains.Cluster.Tests.Foundation;

/// <summary>A grain that says which silo it lives on, and asks another grain the same: a call that may cross between silos.</summary>
public interface ISiloHopGrain : IGrainWithGuidKey
{
    Task<string> Silo();

    /// <summary>The silo of <paramref name="other"/>, asked by this grain (silo to silo when they live apart).</summary>
    Task<string> SiloOf(Guid other);
}

/// <remarks>
/// Placed at random among the active silos: the default placement weighs the silos' load, and it
/// once put 64 new grains in a row on the same one of two silos, so a test looking for a grain on
/// the other silo found none.
/// </remarks>
[RandomPlacement]
public sealed class SiloHopGrain : Grain, ISiloHopGrain
{
    public Task<string> Silo() => Task.FromResult(RuntimeIdentity);

    public Task<string> SiloOf(Guid other) => GrainFactory.GetGrain<ISiloHopGrain>(other).Silo();
}
