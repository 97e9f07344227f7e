using LeadGrains.Abstractions.Niches;
using System.Text.Json;
using LeadGrains.Domain.Eligibility;

namespace LeadGrains.Domain.Tests.Eligibility;

public sealed class SubscriptionFiltersJsonTests
{
    private static readonly JsonSerializerOptions SnakeCase = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    [Fact]
    public void Reads_the_api_shape()
    {
        var filters = JsonSerializer.Deserialize<SubscriptionFilters>("""{"states":["TX"],"zip_prefixes":["750"]}""", SnakeCase);

        Assert.NotNull(filters);
        Assert.Equal(["TX"], filters.States!);
        Assert.Equal(["750"], filters.ZipPrefixes!);
        Assert.Null(filters.MinAmountCents);
        Assert.Null(filters.NumericRanges);
        Assert.Null(filters.AttributeSets);
    }

    [Fact]
    public void Writes_only_the_filters_that_are_set()
    {
        var json = JsonSerializer.Serialize(new SubscriptionFilters { States = ["TX"], ZipPrefixes = ["750"] }, SnakeCase);

        Assert.Equal("""{"states":["TX"],"zip_prefixes":["750"]}""", json);
        Assert.Equal("{}", JsonSerializer.Serialize(SubscriptionFilters.None, SnakeCase));
    }

    [Fact]
    public void Every_filter_survives_a_round_trip()
    {
        var filters = new SubscriptionFilters
        {
            States = ["TX", "OK"],
            ZipPrefixes = ["750", "752"],
            MinAmountCents = 100_00,
            MaxAmountCents = 9_000_00,
            NumericRanges = [new NumericRange("square_feet", 1000.5m, null), new NumericRange("bedrooms", null, 4)],
            AttributeSets = new Dictionary<string, IReadOnlyList<string>> { ["MoveType"] = ["residential", "commercial"] },
        };

        var json = JsonSerializer.Serialize(filters, SnakeCase);
        var read = JsonSerializer.Deserialize<SubscriptionFilters>(json, SnakeCase);

        Assert.Contains("\"min_amount_cents\":10000", json);
        Assert.Contains("\"numeric_ranges\":[{\"attribute\":\"square_feet\",\"min\":1000.5,\"max\":null}", json);
        Assert.Contains("\"attribute_sets\":{\"MoveType\":[", json);
        Assert.NotNull(read);
        Assert.Equal(filters.States, read.States!);
        Assert.Equal(filters.ZipPrefixes, read.ZipPrefixes!);
        Assert.Equal(filters.MinAmountCents, read.MinAmountCents);
        Assert.Equal(filters.MaxAmountCents, read.MaxAmountCents);
        Assert.Equal(filters.NumericRanges, read.NumericRanges!);
        Assert.Equal(["MoveType"], read.AttributeSets!.Keys);
        Assert.Equal(["residential", "commercial"], read.AttributeSets["MoveType"]);
        Assert.Equal(json, JsonSerializer.Serialize(read, SnakeCase));
    }
}
