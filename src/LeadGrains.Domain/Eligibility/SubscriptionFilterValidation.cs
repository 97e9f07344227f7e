using LeadGrains.Abstractions.Niches;

namespace LeadGrains.Domain.Eligibility;

/// <summary>
/// Checks filters an admin submits, so a subscription never silently stops receiving leads
/// because of a typo (an empty list or an unknown state matches nothing).
/// </summary>
public static class SubscriptionFilterValidation
{
    private const int MaxZipPrefixLength = 5;

    /// <summary>Field errors keyed by snake_case JSON path under <c>filters</c>; empty when valid.</summary>
    public static IReadOnlyDictionary<string, string[]> Validate(SubscriptionFilters filters)
    {
        ArgumentNullException.ThrowIfNull(filters);
        var errors = new Dictionary<string, string[]>();

        if (filters.States is { } states)
        {
            if (states.Count == 0)
            {
                errors["filters.states"] = ["List at least one state, or leave states out to accept every state."];
            }
            else if (states.Where(state => !UsStates.IsValid(state?.Trim().ToUpperInvariant() ?? "")).ToArray() is [_, ..] unknown)
            {
                errors["filters.states"] = [$"Not US state codes: {Quoted(unknown)}. Use two letters, such as TX; DC and PR are accepted."];
            }
        }

        if (filters.ZipPrefixes is { } prefixes)
        {
            if (prefixes.Count == 0)
            {
                errors["filters.zip_prefixes"] = ["List at least one zip prefix, or leave zip_prefixes out to accept every zip."];
            }
            else if (prefixes.Where(prefix => !IsZipPrefix(prefix)).ToArray() is [_, ..] bad)
            {
                errors["filters.zip_prefixes"] = [$"Not zip prefixes: {Quoted(bad)}. Use 1 to {MaxZipPrefixLength} digits."];
            }
        }

        if (filters.MinAmountCents < 0)
        {
            errors["filters.min_amount_cents"] = ["The minimum amount must not be negative."];
        }
        if (filters.MaxAmountCents < 0)
        {
            errors["filters.max_amount_cents"] = ["The maximum amount must not be negative."];
        }
        else if (filters.MinAmountCents > filters.MaxAmountCents)
        {
            errors["filters.max_amount_cents"] = ["The maximum amount must not be below the minimum amount."];
        }

        if (filters.NumericRanges is { } ranges)
        {
            var problems = ranges.Select(NumericRangeProblem).OfType<string>().ToArray();
            if (problems.Length > 0)
            {
                errors["filters.numeric_ranges"] = problems;
            }
        }

        if (filters.AttributeSets is { } sets)
        {
            var problems = sets.Select(set => AttributeSetProblem(set.Key, set.Value)).OfType<string>().ToArray();
            if (problems.Length > 0)
            {
                errors["filters.attribute_sets"] = problems;
            }
        }

        return errors;
    }

    private static string Quoted(IEnumerable<string?> values) =>
        string.Join(", ", values.Select(value => value is null ? "null" : $"'{value}'"));

    private static bool IsZipPrefix(string? prefix) =>
        prefix is { Length: > 0 and <= MaxZipPrefixLength } && prefix.All(char.IsAsciiDigit);

    private static string? NumericRangeProblem(NumericRange? range) => range switch
    {
        null => "A numeric range must not be null.",
        { Attribute: var attribute } when string.IsNullOrWhiteSpace(attribute) => "A numeric range needs the name of its attribute.",
        { Min: null, Max: null } => $"The range on '{range.Attribute}' needs a min, a max or both.",
        { Min: { } min, Max: { } max } when min > max => $"The range on '{range.Attribute}' has its min above its max.",
        _ => null,
    };

    private static string? AttributeSetProblem(string attribute, IReadOnlyList<string>? allowedValues)
    {
        if (string.IsNullOrWhiteSpace(attribute))
        {
            return "An attribute set needs the name of its attribute.";
        }
        if (allowedValues is not { Count: > 0 })
        {
            return $"The set for '{attribute}' needs at least one allowed value.";
        }
        return null;
    }
}
