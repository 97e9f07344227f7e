namespace LeadGrains.Domain.Distribution;

/// <summary>
/// Within-level fairness order: never served first, then the longest-waiting, ties by provider
/// id and finally subscription id, so the order is total and every silo (and every SQL query
/// ordering by <c>last_received_at NULLS FIRST, provider_id, subscription_id</c>) agrees on it.
/// </summary>
public sealed class LeastRecentlyServedOrder : IComparer<LruEntry>
{
    public static LeastRecentlyServedOrder Instance { get; } = new();

    private LeastRecentlyServedOrder()
    {
    }

    public int Compare(LruEntry? x, LruEntry? y)
    {
        if (ReferenceEquals(x, y))
        {
            return 0;
        }
        if (x is null)
        {
            return -1;
        }
        if (y is null)
        {
            return 1;
        }

        // Nullable.Compare puts null before any value: never-served subscriptions go first.
        var byLastReceived = Nullable.Compare(x.LastReceivedAt, y.LastReceivedAt);
        if (byLastReceived != 0)
        {
            return byLastReceived;
        }

        // Guid.CompareTo orders like PostgreSQL's uuid (bytes in canonical string order), which a
        // unit test pins down, so ties break the same way here and in SQL.
        var byProvider = x.ProviderId.CompareTo(y.ProviderId);
        return byProvider != 0 ? byProvider : x.SubscriptionId.CompareTo(y.SubscriptionId);
    }
}
