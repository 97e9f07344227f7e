namespace LeadGrains.Grains.Distribution;

/// <summary>
/// The database found the lead no longer approved when its distribution came to commit — already
/// distributed by an earlier attempt whose reply was lost, or expired, or distributed by a duplicate
/// activation. Nothing was written; the lead grain answers from the stored state instead.
/// </summary>
[GenerateSerializer]
public sealed class LeadNotDistributableException(Guid leadId, string? leadStatus)
    : Exception($"Lead {leadId} is {leadStatus ?? "missing"}, not approved; its distribution was refused and nothing was written.");
