namespace LeadGrains.Grains.Operations;

/// <summary>How often each silo samples the cluster-wide gauges, and how fairness is measured (section <c>LeadGrains:Operations</c>).</summary>
public sealed class OperationsGaugeOptions
{
    public const string Section = "LeadGrains:Operations";

    /// <summary>
    /// Between two samples. One small indexed query per silo per interval; alerts look at minutes,
    /// so a sample a little older than a scrape costs nothing in what they see.
    /// </summary>
    public TimeSpan SampleInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Each niche counts its assignments per subscription over this window, then measures each level's fairness.</summary>
    public TimeSpan FairnessWindow { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Levels with fewer assignments in a window are not measured.</summary>
    public int FairnessMinAssignments { get; set; } = 100;
}
