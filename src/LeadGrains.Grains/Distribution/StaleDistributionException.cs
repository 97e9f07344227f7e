namespace LeadGrains.Grains.Distribution;

/// <summary>
/// A distribution attempt lost its lease to a later attempt of the same lead (a worker that paused
/// too long, or a duplicate activation); the database refused its remaining work.
/// </summary>
[GenerateSerializer]
public sealed class StaleDistributionException(Guid leadId, Guid runId)
    : Exception($"Distribution run {runId} of lead {leadId} was superseded by a later attempt; its late work was refused.");
