namespace LeadGrains.Api.Tests.Infrastructure;

/// <summary>What a Prometheus text exposition contains, read the way Prometheus reads it.</summary>
public sealed class PrometheusText(string text)
{
    public string Text => text;

    private IEnumerable<string> Samples => text.Split('\n').Where(line => line.Length > 0 && line[0] != '#');

    /// <summary>Every series name with a sample (histograms as their _bucket, _sum and _count series).</summary>
    public IReadOnlySet<string> SeriesNames => Samples
        .Select(line => line[..line.IndexOfAny(['{', ' '])])
        .ToHashSet();

    /// <summary>The declared type of each metric family (<c># TYPE name type</c>).</summary>
    public IReadOnlyDictionary<string, string> Types => text.Split('\n')
        .Where(line => line.StartsWith("# TYPE ", StringComparison.Ordinal))
        .Select(line => line.Split(' '))
        .ToDictionary(parts => parts[2], parts => parts[3]);

    /// <summary>The sample lines of one series name.</summary>
    public IReadOnlyList<string> Lines(string series) => Samples
        .Where(line => line.StartsWith(series + "{", StringComparison.Ordinal) || line.StartsWith(series + " ", StringComparison.Ordinal))
        .ToList();

    /// <summary>The value of a series without labels beyond those the exporter adds to every sample.</summary>
    public double Value(string series) => double.Parse(Lines(series).Single().Split(' ')[^1].Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
}
