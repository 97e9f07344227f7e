using LeadGrains.Abstractions.Leads;
using LeadGrains.Abstractions.Routing;

namespace LeadGrains.Benchmark.Routing;

/// <summary>
/// A generated routing workload, deterministic for a seed: destination workspaces with a niche each,
/// rules over state, industry and company size, and leads from a number of sources. Rule <c>i</c>
/// wants one state and one industry, so a lead meets a rule somewhere down the list (or none, when
/// no rule names its state and industry), and evaluation cost grows with the number of rules.
/// </summary>
public sealed class RoutingWorkload
{
    private static readonly string[] States = ("AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO "
        + "MT NE NV NH NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY").Split(' ');

    public required IReadOnlyList<(Guid Workspace, Guid Niche)> Destinations { get; init; }
    public required IReadOnlyList<(Guid Id, string Condition, int Priority, Guid Workspace, Guid Niche)> Rules { get; init; }
    public required IReadOnlyList<RoutingRequest> Leads { get; init; }

    public static RoutingWorkload Generate(int leads, int sources, int rules, int destinations, int seed = 16)
    {
        var random = new Random(seed);
        var industries = Math.Max(1, rules / States.Length + 1);
        var targets = Enumerable.Range(0, destinations).Select(_ => (Guid.NewGuid(), Guid.NewGuid())).ToList();
        var ruleList = Enumerable.Range(0, rules).Select(i =>
        {
            var (workspace, niche) = targets[i % destinations];
            var condition = $"state == '{States[i % States.Length]}' and industry == 'ind{i / States.Length}' and company_size >= {i % 3 * 10}";
            return (Guid.NewGuid(), condition, rules - i, workspace, niche);
        }).ToList();
        var requests = Enumerable.Range(0, leads).Select(i =>
        {
            var source = new RoutingSource(RoutingSource.Client, $"source-{i % sources}");
            var attributes = new Dictionary<string, string>
            {
                ["industry"] = $"ind{random.Next(industries)}",
                ["company_size"] = random.Next(0, 60).ToString(System.Globalization.CultureInfo.InvariantCulture),
            };
            return new RoutingRequest(source, $"lead-{i}",
                new LeadContact("Ava", "Bell", $"routing-{seed}-{i}@bench.example.com", $"+1214{2_000_000 + i % 8_000_000}"),
                new LeadAttributes(States[random.Next(States.Length)], $"{random.Next(10_000, 99_999)}", random.Next(0, 1_000_000), attributes));
        }).ToList();
        return new RoutingWorkload { Destinations = targets, Rules = ruleList, Leads = requests };
    }
}
