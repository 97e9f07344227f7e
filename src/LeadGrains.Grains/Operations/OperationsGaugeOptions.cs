namespace LeadGrains.Grains.Operations;

/// <summary>How often each silo samples the cluster-wide gauges from the database (section <c>LeadGrains:Operations</c>).</summary>
public sealed class OperationsGaugeOptions
{
    public const string Section = "LeadGrains:Operations";

    /// <summary>
    /// Between two samples. One small indexed query per silo per interval; alerts look at minutes,
    /// so a sample a little older than a scrape costs nothing in what they see.
    /// </summary>
    public TimeSpan SampleInterval { get; set; } = TimeSpan.FromSeconds(15);
}
