namespace LeadGrains.Domain.Eligibility;

/// <summary>The lead's amount lies within inclusive bounds; a lead without an amount cannot match.</summary>
public sealed class AmountRangeRule(long? minCents, long? maxCents) : EligibilityRule
{
    public override bool Accepts(LeadProfile lead) =>
        lead.AmountCents is { } amount
        && (minCents is not { } min || amount >= min)
        && (maxCents is not { } max || amount <= max);
}
