namespace LeadGrains.Workload;

/// <summary>
/// SplitMix64 (Steele, Lea and Flood, 2014), the generator Java's <c>SplittableRandom</c> and the
/// xoshiro authors' seeding use. Written out here rather than taken from <see cref="Random"/>,
/// whose sequence for a seed is an implementation detail that may change between .NET versions:
/// the same arguments must give the same workload, byte for byte, on any machine and runtime.
/// </summary>
public sealed class SplitMix64(ulong seed)
{
    private ulong state = seed;

    public ulong NextUInt64()
    {
        var z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in [0, 1), from the top 53 bits (a double's precision).</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [0, count): draws below 2^64 mod count are redrawn, so no value is favoured.</summary>
    public int NextInt(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        var n = (ulong)count;
        var threshold = (0UL - n) % n;
        ulong draw;
        do
        {
            draw = NextUInt64();
        }
        while (draw < threshold);
        return (int)(draw % n);
    }

    public T Choose<T>(IReadOnlyList<T> items) => items[NextInt(items.Count)];

    /// <summary><paramref name="count"/> distinct items in the order drawn (a partial Fisher–Yates shuffle).</summary>
    public List<T> Sample<T>(IReadOnlyList<T> items, int count)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, items.Count);
        var pool = items.ToArray();
        for (var i = 0; i < count; i++)
        {
            var j = i + NextInt(pool.Length - i);
            (pool[i], pool[j]) = (pool[j], pool[i]);
        }
        return pool[..count].ToList();
    }

    /// <summary>A random (version 4) UUID in its lower-case text form.</summary>
    public string NextUuid()
    {
        var high = (NextUInt64() & 0xFFFF_FFFF_FFFF_0FFFUL) | 0x4000UL;
        var low = (NextUInt64() & 0x3FFF_FFFF_FFFF_FFFFUL) | 0x8000_0000_0000_0000UL;
        return $"{high >> 32:x8}-{(high >> 16) & 0xFFFF:x4}-{high & 0xFFFF:x4}-{low >> 48:x4}-{low & 0xFFFF_FFFF_FFFFUL:x12}";
    }
}
