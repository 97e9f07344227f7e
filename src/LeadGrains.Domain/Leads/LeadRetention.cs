namespace LeadGrains.Domain.Leads;

public static class LeadRetention
{
    /// <summary>A lead with the same dedupe hash as one received within this window is a duplicate.</summary>
    public static readonly TimeSpan DedupeWindow = TimeSpan.FromDays(30);

    /// <summary>A lead never distributed within this time after intake expires.</summary>
    public static readonly TimeSpan Ttl = TimeSpan.FromDays(90);
}
