namespace LeadGrains.Abstractions.Leads;

/// <summary>What subscriptions filter on.</summary>
/// <param name="State">US state code, e.g. "TX".</param>
/// <param name="Zip">Optional zip code (12345 or 12345-6789).</param>
/// <param name="AmountCents">Optional amount in cents (e.g. a loan or job size), ≥ 0.</param>
/// <param name="Extra">Free-form attributes, string values.</param>
[GenerateSerializer, Immutable]
public sealed record LeadAttributes(
    [property: Id(0)] string State,
    [property: Id(1)] string? Zip,
    [property: Id(2)] long? AmountCents,
    [property: Id(3)] IReadOnlyDictionary<string, string> Extra);
