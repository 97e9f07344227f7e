using System.Text.Json;
using LeadGrains.Abstractions.Niches;

namespace LeadGrains.Domain.Eligibility;

/// <summary>A subscription's filters as stored in <c>subscriptions.filters</c>: snake_case JSON, absent constraints left out.</summary>
public static class SubscriptionFilterJson
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static string Serialize(SubscriptionFilters filters) => JsonSerializer.Serialize(filters, Json);

    public static SubscriptionFilters Parse(string json) => JsonSerializer.Deserialize<SubscriptionFilters>(json, Json) ?? SubscriptionFilters.None;
}
