namespace LeadGrains.Domain.Eligibility;

/// <summary>The lead's state is one of the allowed state codes, in any letter case.</summary>
public sealed class StateRule(IEnumerable<string> states) : EligibilityRule
{
    private readonly HashSet<string> _states = new(states, StringComparer.OrdinalIgnoreCase);

    public override bool Accepts(LeadProfile lead) => _states.Contains(lead.State);
}
