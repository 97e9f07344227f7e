using LeadGrains.Domain.Routing;

namespace LeadGrains.Domain.Tests.Routing;

public sealed class RuleMatchingTests
{
    private static readonly Guid Solar = Guid.Parse("00000000-0000-4000-8000-000000000001");
    private static readonly Guid TexasBig = Guid.Parse("00000000-0000-4000-8000-000000000002");
    private static readonly Guid Dallas = Guid.Parse("00000000-0000-4000-8000-000000000003");
    private static readonly Guid Fallback = Guid.Parse("00000000-0000-4000-8000-000000000004");
    private static readonly Guid Disabled = Guid.Parse("00000000-0000-4000-8000-000000000005");
    private static readonly Guid Roofing = Guid.Parse("00000000-0000-4000-8000-000000000006");

    private static readonly RuleBook Rules = new(
    [
        Rule(Fallback, "state != ''", priority: 0),
        Rule(Solar, "industry == 'solar' and state in ('TX', 'OK')", priority: 50),
        Rule(TexasBig, "state == 'TX' and (company_size >= 100 or amount_cents > 5000000)", priority: 80),
        Rule(Dallas, "startsWith(zip, '752')", priority: 90),
        Rule(Disabled, "true", priority: 1000, enabled: false),
        Rule(Roofing, "attr('product') == 'roof' and has('roof_age') and not (state in ('CA'))", priority: 60),
    ]);

    public static TheoryData<string, string?, long?, string, Guid> Cases => new()
    {
        // state, zip, amount, attributes (k=v;k=v), expected rule
        { "TX", "75201", null, "industry=solar", Dallas },                 // priority 90 beats 50
        { "TX", "75001", null, "industry=solar", Solar },
        { "ok", null, null, "industry=solar", Solar },                     // state upper-cased
        { "TX", "75001", null, "company_size=250", TexasBig },
        { "TX", "75001", 6_000_000, "", TexasBig },                        // or
        { "TX", "75001", 4_000_000, "company_size=20", Fallback },
        { "TX", "75001", null, "company_size=lots", Fallback },            // not a number: 0
        { "NV", null, null, "product=roof;roof_age=20", Roofing },
        { "CA", null, null, "product=roof;roof_age=20", Fallback },        // and not
        { "NV", null, null, "product=roof", Fallback },                    // has()
        { "CA", "90001", null, "industry=solar", Fallback },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_highest_priority_enabled_rule_the_lead_meets_wins(string state, string? zip, long? amount, string attributes, Guid expected)
    {
        var facts = LeadFacts.From(state, zip, amount, Parse(attributes));

        Assert.Equal(expected, Rules.FirstMatch(facts).Rule?.Id);
        Assert.Equal(expected, Rules.Explain(facts).Rule?.Id);
    }

    [Fact]
    public void No_rule_matches_when_none_is_met()
    {
        var book = new RuleBook([Rule(Solar, "industry == 'solar'", 1)]);

        var match = book.Explain(LeadFacts.From("TX", null, null, null));

        Assert.Null(match.Rule);
        Assert.Contains("industry == 'solar' is false", Assert.Single(match.Evaluations).Why);
    }

    [Fact]
    public void The_explanation_lists_the_rules_tried_before_the_match_and_why()
    {
        var match = Rules.Explain(LeadFacts.From("TX", "75001", null, Parse("industry=solar")));

        Assert.Equal([Disabled, Dallas, TexasBig, Roofing, Solar], match.Evaluations.Select(e => e.RuleId));
        Assert.Equal("disabled: not evaluated", match.Evaluations[0].Why);
        Assert.Contains("zip='75001'", match.Evaluations[1].Why);
        Assert.True(match.Evaluations[^1].Matched);
        Assert.Equal(4, match.RulesEvaluated);
    }

    internal static RoutingRule Rule(Guid id, string condition, int priority, bool enabled = true)
    {
        var (compiled, errors) = RoutingCondition.Compile(condition);
        Assert.True(compiled is not null, string.Join("; ", errors));
        return new RoutingRule(id, $"rule {id.ToString()[^1]}", compiled, priority, Guid.NewGuid(), Guid.NewGuid(), enabled);
    }

    private static Dictionary<string, string> Parse(string attributes) =>
        attributes.Split(';', StringSplitOptions.RemoveEmptyEntries).Select(pair => pair.Split('=')).ToDictionary(kv => kv[0], kv => kv[1]);
}
