using LeadGrains.Domain.Distribution;

namespace LeadGrains.Domain.Tests.Distribution;

public sealed class LeastRecentlyServedOrderTests
{
    // PostgreSQL compares uuids as 16 bytes in their canonical (string) order; the queue relies
    // on Guid.CompareTo agreeing with that so ties break identically in memory and in SQL.
    [Fact]
    public void Guid_ordering_matches_the_ordinal_order_of_the_canonical_strings()
    {
        var random = new Random(20240601);
        var guids = Enumerable.Range(0, 2_000).Select(_ => RandomGuid(random)).Concat(SingleByteGuids()).ToArray();

        for (var i = 0; i < guids.Length; i++)
        {
            var a = guids[i];
            var b = guids[(i * 7 + 1) % guids.Length];
            var c = guids[(i + 1) % guids.Length];
            Assert.Equal(Math.Sign(string.CompareOrdinal(a.ToString(), b.ToString())), Math.Sign(a.CompareTo(b)));
            Assert.Equal(Math.Sign(string.CompareOrdinal(a.ToString(), c.ToString())), Math.Sign(a.CompareTo(c)));
        }
    }

    [Fact]
    public void Guid_sort_equals_string_sort()
    {
        var random = new Random(7);
        var guids = Enumerable.Range(0, 5_000).Select(_ => RandomGuid(random)).Concat(SingleByteGuids()).ToArray();

        var byGuid = guids.Order().ToArray();
        var byString = guids.OrderBy(guid => guid.ToString(), StringComparer.Ordinal).ToArray();

        Assert.Equal(byString, byGuid);
    }

    [Fact]
    public void Never_served_comes_first_then_oldest_then_provider_then_subscription()
    {
        var t = DateTimeOffset.Parse("2025-01-01T00:00:00Z");
        var neverServed = new LruEntry(Guid.Parse("ffffffff-0000-0000-0000-000000000000"), Guid.Parse("ffffffff-0000-0000-0000-000000000000"), null);
        var older = new LruEntry(Guid.NewGuid(), Guid.Parse("ffffffff-0000-0000-0000-000000000000"), t);
        var sameTimeLowerProvider = new LruEntry(Guid.Parse("00000000-0000-0000-0000-000000000002"), Guid.Parse("00000000-0000-0000-0000-000000000001"), t.AddMinutes(1));
        var sameProviderLowerSubscription = new LruEntry(Guid.Parse("00000000-0000-0000-0000-000000000001"), Guid.Parse("00000000-0000-0000-0000-000000000001"), t.AddMinutes(1));
        var sameTimeHigherProvider = new LruEntry(Guid.Parse("00000000-0000-0000-0000-000000000000"), Guid.Parse("80000000-0000-0000-0000-000000000000"), t.AddMinutes(1));

        LruEntry[] shuffled = [sameTimeHigherProvider, older, sameTimeLowerProvider, neverServed, sameProviderLowerSubscription];

        Assert.Equal(
            [neverServed, older, sameProviderLowerSubscription, sameTimeLowerProvider, sameTimeHigherProvider],
            shuffled.Order(LeastRecentlyServedOrder.Instance));
    }

    [Fact]
    public void The_same_instant_in_different_offsets_is_a_tie()
    {
        var provider = Guid.Parse("00000000-0000-0000-0000-000000000001");
        var subscription = Guid.NewGuid();
        var utc = new LruEntry(subscription, provider, DateTimeOffset.Parse("2025-01-01T12:00:00Z"));
        var dallas = new LruEntry(subscription, provider, DateTimeOffset.Parse("2025-01-01T06:00:00-06:00"));

        Assert.Equal(0, LeastRecentlyServedOrder.Instance.Compare(utc, dallas));
    }

    private static Guid RandomGuid(Random random)
    {
        Span<byte> bytes = stackalloc byte[16];
        random.NextBytes(bytes);
        return new Guid(bytes);
    }

    // Guids that differ from zero in one byte only, with the top bit set, catch any signed or
    // byte-order slip in a single field.
    private static IEnumerable<Guid> SingleByteGuids()
    {
        for (var index = 0; index < 16; index++)
        {
            foreach (var value in new byte[] { 0x01, 0x7f, 0x80, 0xff })
            {
                var bytes = new byte[16];
                bytes[index] = value;
                yield return new Guid(bytes, bigEndian: true);
            }
        }
    }
}
