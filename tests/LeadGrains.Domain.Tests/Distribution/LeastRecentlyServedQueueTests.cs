using LeadGrains.Domain.Distribution;

namespace LeadGrains.Domain.Tests.Distribution;

public sealed class LeastRecentlyServedQueueTests
{
    private static readonly DateTimeOffset Noon = DateTimeOffset.Parse("2025-03-01T12:00:00Z");

    [Fact]
    public void Never_served_subscriptions_come_first_then_the_longest_waiting()
    {
        var recent = Entry(Noon.AddHours(1));
        var never = Entry(null);
        var old = Entry(Noon);
        var queue = new LeastRecentlyServedQueue([recent, never, old]);

        Assert.Equal([never, old, recent], queue.InServiceOrder());
        Assert.Equal(3, queue.Count);
    }

    [Fact]
    public void Ties_in_last_received_are_broken_by_provider_id()
    {
        var highProvider = new LruEntry(Guid.NewGuid(), Guid.Parse("b0000000-0000-0000-0000-000000000000"), null);
        var lowProvider = new LruEntry(Guid.NewGuid(), Guid.Parse("a0000000-0000-0000-0000-000000000000"), null);
        var queue = new LeastRecentlyServedQueue([highProvider, lowProvider]);

        Assert.Equal([lowProvider, highProvider], queue.Snapshot());
    }

    [Fact]
    public void A_provider_with_two_subscriptions_in_a_level_gets_both_places_in_subscription_order()
    {
        var provider = Guid.NewGuid();
        var second = new LruEntry(Guid.Parse("00000000-0000-0000-0000-000000000002"), provider, null);
        var first = new LruEntry(Guid.Parse("00000000-0000-0000-0000-000000000001"), provider, null);
        var queue = new LeastRecentlyServedQueue([second, first]);

        Assert.Equal([first, second], queue.Snapshot());
    }

    [Fact]
    public void Marking_served_moves_the_subscription_to_the_back()
    {
        var a = Entry(null);
        var b = Entry(Noon);
        var c = Entry(Noon.AddMinutes(1));
        var queue = new LeastRecentlyServedQueue([a, b, c]);

        queue.MarkServed(a.SubscriptionId, Noon.AddMinutes(2));

        Assert.Equal([b.SubscriptionId, c.SubscriptionId, a.SubscriptionId], queue.Snapshot().Select(e => e.SubscriptionId));
        Assert.Equal(Noon.AddMinutes(2), queue.Find(a.SubscriptionId)?.LastReceivedAt);
    }

    [Fact]
    public void Marking_an_unknown_subscription_served_changes_nothing()
    {
        var a = Entry(null);
        var queue = new LeastRecentlyServedQueue([a]);

        queue.MarkServed(Guid.NewGuid(), Noon);

        Assert.Equal([a], queue.Snapshot());
    }

    [Fact]
    public void Remove_takes_the_subscription_out_and_reports_whether_it_was_there()
    {
        var a = Entry(null);
        var b = Entry(Noon);
        var queue = new LeastRecentlyServedQueue([a, b]);

        Assert.True(queue.Remove(a.SubscriptionId));
        Assert.False(queue.Remove(a.SubscriptionId));
        Assert.False(queue.Contains(a.SubscriptionId));
        Assert.Null(queue.Find(a.SubscriptionId));
        Assert.Equal([b], queue.Snapshot());
        Assert.Equal(1, queue.Count);
    }

    [Fact]
    public void Upsert_replaces_the_entry_with_the_same_subscription_id()
    {
        var a = Entry(null);
        var b = Entry(Noon);
        var queue = new LeastRecentlyServedQueue([a, b]);
        var aLater = a with { LastReceivedAt = Noon.AddDays(1) };

        queue.Upsert(aLater);

        Assert.Equal(2, queue.Count);
        Assert.Equal([b, aLater], queue.Snapshot());
        Assert.Same(aLater, queue.Find(a.SubscriptionId));
    }

    [Fact]
    public void An_empty_queue_walks_nothing()
    {
        var queue = new LeastRecentlyServedQueue();

        Assert.Empty(queue.InServiceOrder());
        Assert.Empty(queue.Snapshot());
        Assert.Equal(0, queue.Count);
    }

    [Fact]
    public void A_distribution_can_stop_after_the_first_few_candidates_and_serve_them_afterwards()
    {
        var entries = Enumerable.Range(0, 1_000).Select(i => Entry(Noon.AddSeconds(i))).ToList();
        var queue = new LeastRecentlyServedQueue(entries);

        var chosen = queue.InServiceOrder().Take(3).ToList();
        for (var i = 0; i < chosen.Count; i++)
        {
            queue.MarkServed(chosen[i].SubscriptionId, Noon.AddDays(1).AddSeconds(i));
        }

        Assert.Equal(entries.Take(3), chosen);
        Assert.Equal(entries.Skip(3).First(), queue.InServiceOrder().First());
        Assert.Equal(entries.Take(3).Select(e => e.SubscriptionId), queue.Snapshot().TakeLast(3).Select(e => e.SubscriptionId));
    }

    [Fact]
    public void Changing_the_queue_while_walking_it_fails_instead_of_walking_a_moving_order()
    {
        var queue = new LeastRecentlyServedQueue([Entry(Noon), Entry(Noon.AddMinutes(1))]);

        Assert.Throws<InvalidOperationException>(() =>
        {
            foreach (var entry in queue.InServiceOrder())
            {
                queue.MarkServed(entry.SubscriptionId, Noon.AddDays(1));
            }
        });
    }

    [Fact]
    public void Random_operations_keep_the_same_order_as_a_naive_sorted_list()
    {
        var random = new Random(1234);
        var providers = Enumerable.Range(0, 8).Select(_ => Guid.NewGuid()).ToArray();
        var subscriptions = Enumerable.Range(0, 40).Select(_ => Guid.NewGuid()).ToArray();
        var queue = new LeastRecentlyServedQueue();
        var model = new List<LruEntry>();

        // Few providers and few distinct instants force the tie-breakers to matter.
        DateTimeOffset? RandomInstant() => random.Next(4) == 0 ? null : Noon.AddMinutes(random.Next(6));

        for (var step = 0; step < 1_000; step++)
        {
            var subscriptionId = subscriptions[random.Next(subscriptions.Length)];
            switch (random.Next(4))
            {
                case 0:
                case 1:
                    var entry = new LruEntry(subscriptionId, providers[random.Next(providers.Length)], RandomInstant());
                    queue.Upsert(entry);
                    model.RemoveAll(e => e.SubscriptionId == subscriptionId);
                    model.Add(entry);
                    break;
                case 2:
                    var removed = model.RemoveAll(e => e.SubscriptionId == subscriptionId) > 0;
                    Assert.Equal(removed, queue.Remove(subscriptionId));
                    break;
                default:
                    var at = Noon.AddMinutes(random.Next(6));
                    queue.MarkServed(subscriptionId, at);
                    var index = model.FindIndex(e => e.SubscriptionId == subscriptionId);
                    if (index >= 0)
                    {
                        model[index] = model[index] with { LastReceivedAt = at };
                    }
                    break;
            }

            var expected = ModelOrder(model);
            Assert.Equal(expected, queue.Snapshot());
            Assert.Equal(expected.Take(5), queue.InServiceOrder().Take(5));
            Assert.Equal(expected.Count, queue.Count);
            Assert.Equal(model.Any(e => e.SubscriptionId == subscriptionId), queue.Contains(subscriptionId));
            Assert.Equal(model.SingleOrDefault(e => e.SubscriptionId == subscriptionId), queue.Find(subscriptionId));
        }
    }

    // The reference orders providers by their canonical strings, as PostgreSQL orders uuids,
    // independently of the Guid comparison the queue uses.
    private static List<LruEntry> ModelOrder(IEnumerable<LruEntry> entries) =>
        entries
            .OrderBy(e => e.LastReceivedAt.HasValue)
            .ThenBy(e => e.LastReceivedAt)
            .ThenBy(e => e.ProviderId.ToString(), StringComparer.Ordinal)
            .ThenBy(e => e.SubscriptionId.ToString(), StringComparer.Ordinal)
            .ToList();

    private static LruEntry Entry(DateTimeOffset? lastReceivedAt) => new(Guid.NewGuid(), Guid.NewGuid(), lastReceivedAt);
}
