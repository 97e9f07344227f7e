using System.Text.RegularExpressions;

namespace LeadGrains.Api.Tests.Infrastructure;

/// <summary>
/// The metric names a PromQL expression reads: everything but functions, keywords, label matchers,
/// grouping labels, ranges, strings and numbers. Enough to catch a query that names a metric no
/// process exports (a typo, a renamed instrument, a missing unit suffix).
/// </summary>
public static partial class PromQl
{
    private static readonly HashSet<string> Keywords =
    [
        "by", "without", "on", "ignoring", "group_left", "group_right", "offset", "bool", "and", "or", "unless",
        "inf", "nan", "sum", "min", "max", "avg", "count", "stddev", "stdvar", "topk", "bottomk", "quantile", "count_values", "group",
    ];

    public static IReadOnlySet<string> MetricNames(string expression)
    {
        var text = Strings().Replace(expression, " ");
        text = LabelMatchers().Replace(text, " ");
        text = Grouping().Replace(text, " ");
        text = Ranges().Replace(text, " ");
        return Identifiers().Matches(text)
            .Where(match => !IsCall(text, match) && !Keywords.Contains(match.Value.ToLowerInvariant()))
            .Select(match => match.Value)
            .ToHashSet();
    }

    private static bool IsCall(string text, Match match)
    {
        var after = text.AsSpan(match.Index + match.Length).TrimStart();
        return after.Length > 0 && after[0] == '(';
    }

    [GeneratedRegex("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'")]
    private static partial Regex Strings();

    [GeneratedRegex(@"\{[^}]*\}")]
    private static partial Regex LabelMatchers();

    [GeneratedRegex(@"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", RegexOptions.IgnoreCase)]
    private static partial Regex Grouping();

    [GeneratedRegex(@"\[[^\]]*\]")]
    private static partial Regex Ranges();

    [GeneratedRegex(@"(?<![\w.])[a-zA-Z_:][a-zA-Z0-9_:]*")]
    private static partial Regex Identifiers();
}
