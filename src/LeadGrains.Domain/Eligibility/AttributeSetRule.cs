namespace LeadGrains.Domain.Eligibility;

/// <summary>A free-form attribute has one of the allowed values, in any letter case; a lead
/// without the attribute cannot match.</summary>
public sealed class AttributeSetRule(string attribute, IEnumerable<string> allowedValues) : EligibilityRule
{
    private readonly HashSet<string> _allowedValues = new(allowedValues, StringComparer.OrdinalIgnoreCase);

    public override bool Accepts(LeadProfile lead) =>
        lead.Attributes.TryGetValue(attribute, out var value) && _allowedValues.Contains(value);
}
