namespace LeadGrains.Domain.Distribution;

/// <summary>
/// A level's subscriptions in <see cref="LeastRecentlyServedOrder"/>, kept in memory by the niche
/// so a distribution visits only the few entries it needs: every operation is O(log n) and
/// walking the first k entries costs O(k log n), whatever the level's size.
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
    /// Walks the entries in service order, lazily. The caller may call <see cref="MarkServed"/>,
    /// <see cref="Upsert"/> or <see cref="Remove"/> while walking, which is how a distribution
    /// serves candidates as it goes: each step looks up the successor of the last entry yielded
    /// instead of holding a tree enumerator that any change would invalidate. Every subscription
    /// is yielded at most once, so one that was served and moved to the back is not offered
    /// again; entries changed ahead of the walk are seen in their new place.
    /// </summary>
    public IEnumerable<LruEntry> InServiceOrder()
    {
        var yielded = new HashSet<Guid>();
        var next = _order.Min;
        while (next is not null)
        {
            if (yielded.Add(next.SubscriptionId))
            {
                yield return next;
            }
            next = FirstAfter(next);
        }
    }

    /// <summary>The whole queue in service order, copied: O(n), for diagnostics and tests.</summary>
    public IReadOnlyList<LruEntry> Snapshot() => [.. _order];

    // GetViewBetween is O(log n) and the view is walked for at most two elements: the lower bound
    // itself, if it is still in the set, and its successor.
    private LruEntry? FirstAfter(LruEntry entry)
    {
        var last = _order.Max;
        if (last is null || LeastRecentlyServedOrder.Instance.Compare(last, entry) <= 0)
        {
            return null;
        }
        foreach (var candidate in _order.GetViewBetween(entry, last))
        {
            if (LeastRecentlyServedOrder.Instance.Compare(candidate, entry) > 0)
            {
                return candidate;
            }
        }
        return null;
    }
}
