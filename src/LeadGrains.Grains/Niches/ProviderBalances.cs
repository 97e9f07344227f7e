using LeadGrains.Abstractions.Distribution;

namespace LeadGrains.Grains.Niches;

/// <summary>
/// What a niche's providers can spend, as the niche knows it: each balance as the database last
/// reported it, less what this niche's plans in flight will charge. Other niches spend the same
/// balances, so the figure can be high; the database then refuses the charge and reports the
/// balance, and the niche decides again. It is never low, because only deposits raise a balance
/// and a deposit refreshes it.
/// </summary>
internal sealed class ProviderBalances
{
    private readonly Dictionary<Guid, long> _reported = new();
    private readonly Dictionary<Guid, long> _reserved = new();

    public long Available(Guid providerId) => _reported.GetValueOrDefault(providerId) - _reserved.GetValueOrDefault(providerId);

    public void Report(Guid providerId, long balanceCents) => _reported[providerId] = balanceCents;

    /// <summary>A plan's charges, held until the database answered for it.</summary>
    public void Reserve(IEnumerable<AssignmentRecord> charges)
    {
        foreach (var charge in charges)
        {
            _reserved[charge.ProviderId] = _reserved.GetValueOrDefault(charge.ProviderId) + charge.PriceCents;
        }
    }

    public void Release(IEnumerable<AssignmentRecord> charges)
    {
        foreach (var charge in charges)
        {
            var left = _reserved.GetValueOrDefault(charge.ProviderId) - charge.PriceCents;
            if (left == 0)
            {
                _reserved.Remove(charge.ProviderId);
            }
            else
            {
                _reserved[charge.ProviderId] = left;
            }
        }
    }

    /// <summary>What the database reported for the plan's charges: each provider's balance right after (or before) it.</summary>
    public void Report(IReadOnlyList<AssignmentRecord> charges, IReadOnlyList<long> balances)
    {
        for (var i = 0; i < charges.Count && i < balances.Count; i++)
        {
            Report(charges[i].ProviderId, balances[i]);
        }
    }
}
