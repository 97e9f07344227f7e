using System.Diagnostics;
using LeadGrains.Domain.Routing;

namespace LeadGrains.Benchmark.Routing;

/// <summary>What matching one lead costs with a given number of rules: the rule book alone, in this process, no I/O.</summary>
public static class RuleEvaluationCost
{
    public sealed record Figures(int Rules, int Leads, long Evaluations, double Seconds)
    {
        public double EvaluationsPerSecond => Evaluations / Seconds;
        public double MicrosecondsPerLead => Seconds * 1e6 / Leads;

        public override string ToString() =>
            $"{Rules,5} rules: {MicrosecondsPerLead,9:F1} µs per lead, {Evaluations / (double)Leads,7:F1} rules evaluated per lead, {EvaluationsPerSecond,12:N0} rules evaluated per second";
    }

    public static Figures Measure(int rules, int leads)
    {
        var workload = RoutingWorkload.Generate(leads, 20, rules, 10);
        var book = new RuleBook(workload.Rules.Select(r => new RoutingRule(r.Id, r.Condition, RoutingCondition.Compile(r.Condition).Condition!, r.Priority, r.Workspace, r.Niche, true)));
        var facts = workload.Leads.Select(l => LeadFacts.From(l.Attributes.State, l.Attributes.Zip, l.Attributes.AmountCents, l.Attributes.Extra)).ToList();
        foreach (var lead in facts.Take(200))
        {
            book.FirstMatch(lead);   // warm-up: JIT and caches
        }
        long evaluations = 0;
        var started = Stopwatch.GetTimestamp();
        foreach (var lead in facts)
        {
            evaluations += book.FirstMatch(lead).RulesEvaluated;
        }
        return new Figures(rules, leads, evaluations, Stopwatch.GetElapsedTime(started).TotalSeconds);
    }
}
