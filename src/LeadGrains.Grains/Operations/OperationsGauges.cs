using System.Diagnostics.Metrics;
using Dapper;
using LeadGrains.Grains.Distribution;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Configuration;

namespace LeadGrains.Grains.Operations;

/// <summary>
/// The observable gauges alerts are written against. The cluster-wide ones (backlog, dead letters,
/// paused providers, active silos, returns waiting for review) are sampled from the database in the background, so a scrape
/// never waits on a query; every silo reports the same values (alert on <c>max</c> across instances).
/// In-flight distributions are this silo's own: the plans its committer holds, decided and not yet
/// recorded; so is fairness, which its niche grains measure in memory (<see cref="FairnessGauge"/>).
/// </summary>
public sealed class OperationsGauges : BackgroundService
{
    private readonly NpgsqlDataSource _db;
    private readonly TimeProvider _clock;
    private readonly string _clusterId;
    private readonly TimeSpan _interval;
    private readonly ILogger<OperationsGauges> _logger;
    private OperationsSnapshot? _latest;

    public OperationsGauges(
        NpgsqlDataSource db,
        IMeterFactory meterFactory,
        DistributionCommitter committer,
        FairnessGauge fairness,
        [FromKeyedServices(LeadGrainsClock.Key)] TimeProvider clock,
        IOptions<ClusterOptions> cluster,
        IOptions<OperationsGaugeOptions> options,
        ILogger<OperationsGauges> logger)
    {
        _db = db;
        _clock = clock;
        _clusterId = cluster.Value.ClusterId;
        _interval = options.Value.SampleInterval;
        _logger = logger;
        var meter = meterFactory.Create(LeadGrainsTelemetry.MeterName);
        meter.CreateObservableGauge("leadgrains.queue.due_leads", () => Sampled(s => s.DueLeads), unit: "{lead}",
            description: "Approved leads whose distribution is due now, cluster-wide.");
        meter.CreateObservableGauge("leadgrains.queue.oldest_due_age", () => Sampled(s => s.OldestDueAge.TotalSeconds), unit: "s",
            description: "How long the longest-waiting due lead has been due, cluster-wide (0 when none is).");
        meter.CreateObservableGauge("leadgrains.dead_letters.open", () => Sampled(s => s.OpenDeadLetters), unit: "{entry}",
            description: "Dead-letter entries not resolved yet, cluster-wide.");
        meter.CreateObservableGauge("leadgrains.providers.paused_for_funds", () => Sampled(s => s.ProvidersPausedForFunds), unit: "{provider}",
            description: "Providers with a subscription paused for insufficient balance, cluster-wide.");
        meter.CreateObservableGauge("leadgrains.cluster.active_silos", () => Sampled(s => s.ActiveSilos), unit: "{silo}",
            description: "Silos of this cluster the membership table lists as active.");
        meter.CreateObservableGauge("leadgrains.returns.pending", () => Sampled(s => s.PendingReturns), unit: "{return}",
            description: "Return requests waiting for a reviewer, cluster-wide.");
        meter.CreateObservableGauge("leadgrains.returns.oldest_pending_age", () => Sampled(s => s.OldestPendingReturnAge.TotalSeconds), unit: "s",
            description: "How long the longest-waiting return request has waited for a reviewer, cluster-wide (0 when none does).");
        meter.CreateObservableGauge("leadgrains.distribution.in_flight", () => (long)committer.Queued, unit: "{distribution}",
            description: "Distributions this silo decided and has not recorded yet.");
        meter.CreateObservableGauge("leadgrains.fairness.lowest_jain_index",
            () => fairness.LowestJainsIndex is { } index ? [new Measurement<double>(index)] : Array.Empty<Measurement<double>>(), unit: "1",
            description: "Lowest Jain's fairness index of a level's active subscriptions over the last fairness window, among the levels this silo's niches measured.");
    }

    /// <summary>The last sample, or null before the first one and after a failed one.</summary>
    public OperationsSnapshot? Latest => Volatile.Read(ref _latest);

    /// <summary>Takes a sample now (the background loop does so every interval).</summary>
    public async Task<OperationsSnapshot> Sample(CancellationToken cancellationToken)
    {
        var now = _clock.GetUtcNow();
        await using var connection = await _db.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleAsync<SampleRow>(new CommandDefinition("""
            SELECT (SELECT count(*) FROM leads WHERE status = 'approved' AND next_attempt_at <= @now) AS due_leads,
                   (SELECT min(next_attempt_at) FROM leads WHERE status = 'approved' AND next_attempt_at <= @now) AS oldest_due_at,
                   (SELECT count(*) FROM dead_letters WHERE NOT resolved) AS open_dead_letters,
                   (SELECT count(DISTINCT provider_id) FROM subscriptions WHERE status = 'paused_insufficient_balance') AS providers_paused_for_funds,
                   (SELECT count(*) FROM orleansmembershiptable WHERE deploymentid = @clusterId AND status = 3) AS active_silos,
                   (SELECT count(*) FROM lead_returns WHERE status = 'pending') AS pending_returns,
                   (SELECT min(requested_at) FROM lead_returns WHERE status = 'pending') AS oldest_pending_return_at
            """, new { now, clusterId = _clusterId }, cancellationToken: cancellationToken));
        var oldestDueAt = row.OldestDueAt is { } dueAt ? new DateTimeOffset(dueAt, TimeSpan.Zero) : now;
        var oldestReturnAt = row.OldestPendingReturnAt is { } requestedAt ? new DateTimeOffset(requestedAt, TimeSpan.Zero) : now;
        var snapshot = new OperationsSnapshot(
            row.DueLeads, oldestDueAt < now ? now - oldestDueAt : TimeSpan.Zero, row.OpenDeadLetters, row.ProvidersPausedForFunds, row.ActiveSilos,
            row.PendingReturns, oldestReturnAt < now ? now - oldestReturnAt : TimeSpan.Zero);
        Volatile.Write(ref _latest, snapshot);
        return snapshot;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_interval);
        do
        {
            try
            {
                await Sample(stoppingToken);
            }
            catch (Exception error) when (!stoppingToken.IsCancellationRequested)
            {
                // A stale figure would hide the very problem an alert is for: report nothing until the next sample works.
                Volatile.Write(ref _latest, null);
                _logger.LogWarning(error, "Sampling the operations gauges failed");
            }
        }
        while (await SafeTick(timer, stoppingToken));
    }

    private static async Task<bool> SafeTick(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private IEnumerable<Measurement<T>> Sampled<T>(Func<OperationsSnapshot, T> read) where T : struct =>
        Latest is { } snapshot ? [new Measurement<T>(read(snapshot))] : [];

    // Npgsql reads timestamptz as a UTC DateTime.
    private sealed record SampleRow(
        long DueLeads, DateTime? OldestDueAt, long OpenDeadLetters, long ProvidersPausedForFunds, long ActiveSilos, long PendingReturns, DateTime? OldestPendingReturnAt);
}
