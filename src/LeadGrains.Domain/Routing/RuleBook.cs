namespace LeadGrains.Domain.Routing;

/// <summary>How a rule answered for one lead: the dry run shows every one up to the match.</summary>
/// <param name="Why">The variables the lead offered, or why the rule was not asked.</param>
public sealed record RuleEvaluation(Guid RuleId, string Name, int Priority, bool Enabled, bool Matched, string Why);

/// <summary>The first enabled rule the lead meets, and how each rule before it answered.</summary>
public sealed record RuleMatch(RoutingRule? Rule, IReadOnlyList<RuleEvaluation> Evaluations, int RulesEvaluated);

/// <summary>The platform's rules in the order they are tried: highest priority first.</summary>
public sealed class RuleBook
{
    private readonly RoutingRule[] _ordered;

    public RuleBook(IEnumerable<RoutingRule> rules) =>
        _ordered = rules.OrderByDescending(r => r.Priority).ThenBy(r => r.Id).ToArray();

    public int Count => _ordered.Length;

    /// <summary>The highest-priority enabled rule the lead meets (null when none does), and how many rules were evaluated.</summary>
    public (RoutingRule? Rule, int RulesEvaluated) FirstMatch(LeadFacts facts)
    {
        var lead = LeadEvaluation.Of(facts);
        var evaluated = 0;
        foreach (var rule in _ordered)
        {
            if (!rule.Enabled)
            {
                continue;
            }
            evaluated++;
            if (rule.Condition.IsMetBy(lead))
            {
                return (rule, evaluated);
            }
        }
        return (null, evaluated);
    }

    /// <summary>The match with every rule's answer up to it (the dry run).</summary>
    public RuleMatch Explain(LeadFacts facts)
    {
        var evaluations = new List<RuleEvaluation>();
        var values = string.Join(", ", facts.Variables().Select(v => $"{v.Key}={Show(v.Value)}"));
        var lead = LeadEvaluation.Of(facts);
        var evaluated = 0;
        foreach (var rule in _ordered)
        {
            if (!rule.Enabled)
            {
                evaluations.Add(new RuleEvaluation(rule.Id, rule.Name, rule.Priority, false, false, "disabled: not evaluated"));
                continue;
            }
            evaluated++;
            var met = rule.Condition.IsMetBy(lead);
            evaluations.Add(new RuleEvaluation(rule.Id, rule.Name, rule.Priority, true, met,
                $"{rule.Condition.Text} is {(met ? "true" : "false")} for {values}"));
            if (met)
            {
                return new RuleMatch(rule, evaluations, evaluated);
            }
        }
        return new RuleMatch(null, evaluations, evaluated);
    }

    private static string Show(object? value) => value is string text ? $"'{text}'" : Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "null";
}
