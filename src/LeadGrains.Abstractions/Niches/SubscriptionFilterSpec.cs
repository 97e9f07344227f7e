namespace LeadGrains.Abstractions.Niches;

/// <summary>
/// Which leads a subscription accepts. Every constraint given must hold; a null constraint accepts all.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record SubscriptionFilterSpec
{
    /// <summary>Accepted US state codes (e.g. "TX").</summary>
    [Id(0)] public IReadOnlyList<string>? States { get; init; }

    /// <summary>Accepted zip code prefixes (e.g. "750").</summary>
    [Id(1)] public IReadOnlyList<string>? ZipPrefixes { get; init; }

    /// <summary>Lowest accepted lead amount, in cents, inclusive.</summary>
    [Id(2)] public long? MinAmountCents { get; init; }

    /// <summary>Highest accepted lead amount, in cents, inclusive.</summary>
    [Id(3)] public long? MaxAmountCents { get; init; }

    /// <summary>Accepted values per free-form lead attribute.</summary>
    [Id(4)] public IReadOnlyDictionary<string, IReadOnlyList<string>>? AttributeSets { get; init; }

    /// <summary>Inclusive numeric bounds on free-form lead attributes.</summary>
    [Id(5)] public IReadOnlyList<NumericRangeSpec>? NumericRanges { get; init; }

    /// <summary>Accepts every lead.</summary>
    public static SubscriptionFilterSpec None { get; } = new();
}

/// <summary>An inclusive numeric range one free-form attribute must fall in.</summary>
/// <param name="Attribute">The attribute's name.</param>
/// <param name="Min">Lowest accepted value, if bounded.</param>
/// <param name="Max">Highest accepted value, if bounded.</param>
[GenerateSerializer, Immutable]
public sealed record NumericRangeSpec(
    [property: Id(0)] string Attribute,
    [property: Id(1)] decimal? Min,
    [property: Id(2)] decimal? Max);
