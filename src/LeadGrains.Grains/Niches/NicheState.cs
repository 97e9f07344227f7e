namespace LeadGrains.Grains.Niches;

/// <summary>
/// What a niche grain and its <see cref="NicheDistributor"/> share: the niche's row (identity,
/// committed rotation pointer and version; null while the niche does not exist) and its market.
/// </summary>
internal sealed class NicheState
{
    public NicheRow? Row { get; set; }

    public NicheMarket Market { get; } = new();
}
