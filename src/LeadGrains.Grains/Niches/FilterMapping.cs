using System.Text.Json;
using LeadGrains.Abstractions.Niches;
using LeadGrains.Domain.Eligibility;

namespace LeadGrains.Grains.Niches;

/// <summary>Translates filters between the wire contract, the domain rules and the stored JSON.</summary>
public static class FilterMapping
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static SubscriptionFilters ToDomain(SubscriptionFilterSpec spec) => new()
    {
        States = spec.States,
        ZipPrefixes = spec.ZipPrefixes,
        MinAmountCents = spec.MinAmountCents,
        MaxAmountCents = spec.MaxAmountCents,
        AttributeSets = spec.AttributeSets,
        NumericRanges = spec.NumericRanges?.Select(r => new NumericRange(r.Attribute, r.Min, r.Max)).ToList(),
    };

    public static SubscriptionFilterSpec ToSpec(SubscriptionFilters filters) => new()
    {
        States = filters.States,
        ZipPrefixes = filters.ZipPrefixes,
        MinAmountCents = filters.MinAmountCents,
        MaxAmountCents = filters.MaxAmountCents,
        AttributeSets = filters.AttributeSets,
        NumericRanges = filters.NumericRanges?.Select(r => new NumericRangeSpec(r.Attribute, r.Min, r.Max)).ToList(),
    };

    public static string ToJson(SubscriptionFilters filters) => JsonSerializer.Serialize(filters, Json);

    public static SubscriptionFilters FromJson(string json) => JsonSerializer.Deserialize<SubscriptionFilters>(json, Json) ?? SubscriptionFilters.None;
}
