using System.Text.Json.Serialization;

namespace LeadGrains.Abstractions.Niches;

/// <summary>
/// Which leads a subscription accepts. Every constraint given must hold; a null constraint accepts
/// all. The one shape of a filter: the HTTP body, the grain call, the domain's rules
/// (<c>EligibilityFilter.From</c>) and the stored snake_case JSON all use it.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record SubscriptionFilters
{
    /// <summary>Accepts every lead.</summary>
    public static SubscriptionFilters None { get; } = new();

    /// <summary>Accepted US state codes (e.g. "TX").</summary>
    [Id(0), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? States { get; init; }

    /// <summary>Accepted zip code prefixes (e.g. "750").</summary>
    [Id(1), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? ZipPrefixes { get; init; }

    /// <summary>Lowest accepted lead amount, in cents, inclusive.</summary>
    [Id(2), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? MinAmountCents { get; init; }

    /// <summary>Highest accepted lead amount, in cents, inclusive.</summary>
    [Id(3), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? MaxAmountCents { get; init; }

    /// <summary>Accepted values per free-form lead attribute.</summary>
    [Id(4), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, IReadOnlyList<string>>? AttributeSets { get; init; }

    /// <summary>Inclusive numeric bounds on free-form lead attributes.</summary>
    [Id(5), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<NumericRange>? NumericRanges { get; init; }
}

/// <summary>An inclusive numeric range one free-form attribute must fall in; a null bound is open.</summary>
/// <param name="Attribute">The attribute's name (null only in a body that left it out: validation refuses it).</param>
/// <param name="Min">Lowest accepted value, if bounded.</param>
/// <param name="Max">Highest accepted value, if bounded.</param>
[GenerateSerializer, Immutable]
public sealed record NumericRange(
    [property: Id(0)] string? Attribute,
    [property: Id(1)] decimal? Min,
    [property: Id(2)] decimal? Max);
