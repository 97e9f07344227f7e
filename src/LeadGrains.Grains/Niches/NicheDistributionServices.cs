using LeadGrains.Grains.Distribution;
using LeadGrains.Grains.Operations;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LeadGrains.Grains.Niches;

/// <summary>The silo's services a niche grain decides and records its distributions with.</summary>
public sealed record NicheDistributionServices(
    NicheStore Store,
    DistributionStore Runs,
    DistributionCommitter Committer,
    [FromKeyedServices(LeadGrainsClock.Key)] TimeProvider Clock,
    IDistributionProbe Probe,
    IOptions<DistributionQueueOptions> Options,
    LeadGrainsTelemetry Telemetry,
    FairnessGauge Fairness,
    ILogger<NicheGrain> Logger);
