namespace LeadGrains.Domain.Distribution;

/// <summary>
/// A level's subscriptions in <see cref="LeastRecentlyServedOrder"/>, kept in memory by the niche
/// so a distribution visits only the few entries it needs: every change is O(log n) and
/// walking the first k entries costs O(log n + k), whatever the level's size.
/// Not thread-safe; the niche grain's serial turns are what make it safe.
/// </summary>
public sealed class LeastRecentlyServedQueue
{
    private readonly SortedSet<LruEntry> _order = new(LeastRecentlyServedOrder.Instance);
    private readonly Dictionary<Guid, LruEntry> _bySubscription = [];

    public LeastRecentlyServedQueue()
    {
    }

    public LeastRecentlyServedQueue(IEnumerable<LruEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        foreach (var entry in entries)
        {
            Upsert(entry);
        }
    }

    public int Count => _bySubscription.Count;

    public bool Contains(Guid subscriptionId) => _bySubscription.ContainsKey(subscriptionId);

    public LruEntry? Find(Guid subscriptionId) => _bySubscription.GetValueOrDefault(subscriptionId);

    /// <summary>Adds the entry, or replaces the entry with the same subscription id.</summary>
    public void Upsert(LruEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (_bySubscription.TryGetValue(entry.SubscriptionId, out var existing))
        {
            _order.Remove(existing);
        }
        _bySubscription[entry.SubscriptionId] = entry;
        _order.Add(entry);
    }

    public bool Remove(Guid subscriptionId)
    {
        if (!_bySubscription.Remove(subscriptionId, out var existing))
        {
            return false;
        }
        _order.Remove(existing);
        return true;
    }

    /// <summary>
    /// Records that the subscription received a lead at <paramref name="at"/>, which moves it
    /// behind everyone served earlier. An unknown subscription is ignored: it may have been
    /// removed (paused, say) earlier in the same distribution, and there is nothing left to order.
    /// </summary>
    public void MarkServed(Guid subscriptionId, DateTimeOffset at)
    {
        if (_bySubscription.TryGetValue(subscriptionId, out var existing))
        {
            Upsert(existing with { LastReceivedAt = at });
        }
    }

    /// <summary>
    /// Walks the entries in service order, lazily: taking the first k costs O(log n + k). The queue
    /// must not change during the walk (the enumeration then fails): a distribution decides first
    /// and marks whom it served afterwards.
    /// </summary>
    public IEnumerable<LruEntry> InServiceOrder() => _order;

    /// <summary>The whole queue in service order, copied: O(n), for diagnostics and tests.</summary>
    public IReadOnlyList<LruEntry> Snapshot() => [.. _order];
}
