using LeadGrains.Abstractions.Niches;

namespace LeadGrains.Domain.Eligibility;

/// <summary>
/// A subscription's filters compiled once into rules, so evaluating a lead does no parsing and a
/// new kind of filter is one more field in <see cref="SubscriptionFilters"/> plus one rule class.
/// </summary>
public sealed class EligibilityFilter
{
    public static EligibilityFilter AcceptAll { get; } = new([]);

    private readonly EligibilityRule[] _rules;

    private EligibilityFilter(EligibilityRule[] rules) => _rules = rules;

    public IReadOnlyList<EligibilityRule> Rules => _rules;

    public static EligibilityFilter From(SubscriptionFilters filters)
    {
        ArgumentNullException.ThrowIfNull(filters);
        var rules = new List<EligibilityRule>();
        if (filters.States is { } states)
        {
            rules.Add(new StateRule(states));
        }
        if (filters.ZipPrefixes is { } prefixes)
        {
            rules.Add(new ZipPrefixRule(prefixes));
        }
        if (filters.MinAmountCents is not null || filters.MaxAmountCents is not null)
        {
            rules.Add(new AmountRangeRule(filters.MinAmountCents, filters.MaxAmountCents));
        }
        foreach (var range in filters.NumericRanges ?? [])
        {
            rules.Add(new NumericRangeRule(range));
        }
        foreach (var (attribute, allowedValues) in filters.AttributeSets ?? new Dictionary<string, IReadOnlyList<string>>())
        {
            rules.Add(new AttributeSetRule(attribute, allowedValues));
        }
        return rules.Count == 0 ? AcceptAll : new EligibilityFilter([.. rules]);
    }

    /// <summary>
    /// Eligible when every rule accepts. Stops at the first rule that does not, so a broken
    /// filter only counts as an error for leads it would otherwise have had to decide.
    /// </summary>
    public EligibilityVerdict Evaluate(LeadProfile lead)
    {
        ArgumentNullException.ThrowIfNull(lead);
        foreach (var rule in _rules)
        {
            bool accepted;
            try
            {
                accepted = rule.Accepts(lead);
            }
            catch (Exception)
            {
                // Any exception from a rule is bad subscription or lead data, never a reason to
                // fail the whole distribution: the caller skips this candidate and moves on.
                return EligibilityVerdict.Error;
            }
            if (!accepted)
            {
                return EligibilityVerdict.NotEligible;
            }
        }
        return EligibilityVerdict.Eligible;
    }
}
