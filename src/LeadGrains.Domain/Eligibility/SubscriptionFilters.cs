using System.Text.Json.Serialization;

namespace LeadGrains.Domain.Eligibility;

/// <summary>
/// A subscription's eligibility filters as data, stored and exchanged as snake_case JSON.
/// A null filter places no constraint; a filter that is present must be met.
/// <see cref="EligibilityFilter.From"/> turns it into rules.
/// </summary>
public sealed record SubscriptionFilters
{
    public static SubscriptionFilters None { get; } = new();

    /// <summary>Allowed US state codes.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? States { get; init; }

    /// <summary>The lead's zip must start with one of these.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? ZipPrefixes { get; init; }

    /// <summary>Inclusive lower bound on the lead's amount.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? MinAmountCents { get; init; }

    /// <summary>Inclusive upper bound on the lead's amount.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? MaxAmountCents { get; init; }

    /// <summary>Every range must hold for its attribute.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<NumericRange>? NumericRanges { get; init; }

    /// <summary>For every attribute named, the lead's value must be one of the listed values.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, IReadOnlyList<string>>? AttributeSets { get; init; }
}
