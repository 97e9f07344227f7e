namespace LeadGrains.Domain.Eligibility;

/// <summary>One compiled filter condition. A rule may throw on data it cannot read; the
/// <see cref="EligibilityFilter"/> turns that into <see cref="EligibilityVerdict.Error"/>.</summary>
public abstract class EligibilityRule
{
    public abstract bool Accepts(LeadProfile lead);
}
