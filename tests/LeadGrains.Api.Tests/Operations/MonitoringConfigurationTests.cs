using System.Text.Json;
using System.Text.RegularExpressions;
using LeadGrains.Api.Tests.Infrastructure;

namespace LeadGrains.Api.Tests.Operations;

/// <summary>
/// The alert rules and the Grafana dashboard read only metrics /metrics really exports, and every
/// alert has its runbook section.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed partial class MonitoringConfigurationTests(LocalApiHost host)
{
    private static readonly string[] RulesFiles =
        [Repository.PathOf("deploy", "prometheus", "leadgrains.rules.yml"), Repository.PathOf("deploy", "prometheus", "delivery-alerts.yml")];
    private static readonly string DashboardFile = Repository.PathOf("deploy", "grafana", "dashboards", "leadgrains.json");
    private static readonly string Runbook = Repository.PathOf("docs", "RUNBOOK.md");

    [Fact]
    public async Task Every_dashboard_query_reads_only_exported_metrics()
    {
        var exported = (await ExportedMetrics.AfterActivity(host)).SeriesNames;
        var queries = DashboardQueries().ToList();

        Assert.True(queries.Count >= 20, $"the dashboard has {queries.Count} queries");
        var unknown = queries.SelectMany(query => PromQl.MetricNames(query).Where(name => !exported.Contains(name)).Select(name => $"{name} in {query}")).ToList();
        Assert.True(unknown.Count == 0, "Not exported:\n" + string.Join("\n", unknown));
    }

    [Fact]
    public async Task Every_rule_reads_only_exported_or_recorded_metrics()
    {
        var exported = (await ExportedMetrics.AfterActivity(host)).SeriesNames;
        var rules = RulesFiles.SelectMany(File.ReadAllLines).ToArray();
        var recorded = rules.Select(line => Record().Match(line)).Where(match => match.Success).Select(match => match.Groups[1].Value).ToHashSet();
        var expressions = RuleExpressions(rules).ToList();

        Assert.True(expressions.Count >= 10, $"the rules have {expressions.Count} expressions");
        var unknown = expressions.SelectMany(expression => PromQl.MetricNames(expression)
            .Where(name => !exported.Contains(name) && !recorded.Contains(name)).Select(name => $"{name} in {expression}")).ToList();
        Assert.True(unknown.Count == 0, "Not exported:\n" + string.Join("\n", unknown));
    }

    [Fact]
    public void Every_alert_links_to_its_runbook_section()
    {
        var rules = string.Join("\n", RulesFiles.Select(File.ReadAllText));
        var runbook = File.ReadAllLines(Runbook);
        var alerts = Alert().Matches(rules).Select(match => match.Groups[1].Value).ToList();

        Assert.NotEmpty(alerts);
        foreach (var alert in alerts)
        {
            Assert.Contains($"## {alert}", runbook);
            Assert.Contains($"runbook_url: docs/RUNBOOK.md#{alert.ToLowerInvariant()}", rules);
        }
    }

    [Fact]
    public void The_metric_name_reader_ignores_functions_labels_and_ranges()
    {
        var names = PromQl.MetricNames(
            "sum by (leadgrains_job_name) (increase(leadgrains_job_runs_total{leadgrains_job_outcome=\"failed\"}[1h])) / on() group_left max(up) > 0");

        Assert.Equal(["leadgrains_job_runs_total", "up"], names.Order());
    }

    private static IEnumerable<string> DashboardQueries()
    {
        using var dashboard = JsonDocument.Parse(File.ReadAllText(DashboardFile));
        return Expressions(dashboard.RootElement).ToList();

        static IEnumerable<string> Expressions(JsonElement element) => element.ValueKind switch
        {
            JsonValueKind.Object => element.EnumerateObject().SelectMany(property =>
                property is { Name: "expr", Value.ValueKind: JsonValueKind.String } ? [property.Value.GetString()!] : Expressions(property.Value)),
            JsonValueKind.Array => element.EnumerateArray().SelectMany(Expressions),
            _ => [],
        };
    }

    /// <summary>The <c>expr:</c> values of a rules file, folded ones (<c>expr: &gt;</c>) joined from their indented lines.</summary>
    private static IEnumerable<string> RuleExpressions(string[] lines)
    {
        for (var i = 0; i < lines.Length; i++)
        {
            var match = Expr().Match(lines[i]);
            if (!match.Success)
            {
                continue;
            }
            if (match.Groups[1].Value != ">")
            {
                yield return match.Groups[1].Value;
                continue;
            }
            var indent = lines[i].IndexOf("expr:", StringComparison.Ordinal);
            var folded = new List<string>();
            while (i + 1 < lines.Length && lines[i + 1].Length - lines[i + 1].TrimStart().Length > indent)
            {
                folded.Add(lines[++i].Trim());
            }
            yield return string.Join(" ", folded);
        }
    }

    [GeneratedRegex(@"^\s*expr:\s*(.+?)\s*$")]
    private static partial Regex Expr();

    [GeneratedRegex(@"^\s*- record:\s*(\S+)")]
    private static partial Regex Record();

    [GeneratedRegex(@"- alert:\s*(\w+)")]
    private static partial Regex Alert();
}
