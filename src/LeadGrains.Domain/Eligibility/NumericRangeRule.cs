using System.Globalization;
using LeadGrains.Abstractions.Niches;

namespace LeadGrains.Domain.Eligibility;

/// <summary>
/// A free-form attribute, read as a number, lies within inclusive bounds; a lead without the
/// attribute cannot match. A value that is not a number throws on purpose: the data is broken,
/// not merely different, and the distribution records that as an eligibility error.
/// </summary>
public sealed class NumericRangeRule(NumericRange range) : EligibilityRule
{
    public override bool Accepts(LeadProfile lead)
    {
        if (!lead.Attributes.TryGetValue(range.Attribute ?? "", out var text))
        {
            return false;
        }
        var value = decimal.Parse(text, NumberStyles.Number, CultureInfo.InvariantCulture);
        return (range.Min is not { } min || value >= min)
            && (range.Max is not { } max || value <= max);
    }
}
