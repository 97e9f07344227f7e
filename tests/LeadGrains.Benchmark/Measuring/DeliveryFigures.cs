using Dapper;
using LeadGrains.Grains.Delivery;
using Microsoft.Extensions.Options;
using Npgsql;

namespace LeadGrains.Benchmark.Measuring;

/// <summary>
/// What delivery did during a run: deliveries made and accepted while the leads were driven, the
/// backlog when the drive ended, how long it took to drain, and the lag from assignment to
/// acceptance by the receiver (p50/p95/p99/max, seconds).
/// </summary>
public sealed record DeliveryFigures(
    long Created, long DeliveredDuringDrive, double DeliveriesPerSecond, long BacklogAtDriveEnd, double DrainSeconds,
    long Delivered, long Dead, double LagP50, double LagP95, double LagP99, double LagMax, long ReceivedBySink)
{
    /// <summary>
    /// Points every provider's webhook at the sink and turns e-mail off, so each assignment makes one
    /// webhook delivery. The providers share one secret, stored sealed under <paramref name="secretsKey"/> as the silos expect.
    /// </summary>
    public static async Task RouteEveryProviderTo(NpgsqlDataSource db, string url, string secretsKey)
    {
        var seal = new WebhookSecretSeal(Options.Create(new DeliveryOptions { SecretKeys = [secretsKey] }));
        await using var connection = await db.OpenConnectionAsync();
        await connection.ExecuteAsync(
            "UPDATE providers SET email_enabled = false, webhook_url = @url, webhook_secret = @secret",
            new { url, secret = seal.Seal(WebhookSecrets.Create()) });
    }

    /// <summary>Reads the figures once the drive has ended, waiting (at most <paramref name="drainLimit"/>) for the backlog to drain.</summary>
    public static async Task<DeliveryFigures> Read(NpgsqlDataSource db, DateTime driveEndedAt, double driveSeconds,
        TimeSpan drainLimit, Func<long> receivedBySink)
    {
        await using var connection = await db.OpenConnectionAsync();
        var backlogAtEnd = await Pending(connection);
        var drain = System.Diagnostics.Stopwatch.StartNew();
        while (await Pending(connection) > 0 && drain.Elapsed < drainLimit)
        {
            await Task.Delay(100);
        }
        var drainSeconds = Math.Round(drain.Elapsed.TotalSeconds, 1);
        var row = await connection.QuerySingleAsync<(long Created, long DuringDrive, long Delivered, long Dead, double? P50, double? P95, double? P99, double? Max)>("""
            WITH accepted AS (
                SELECT d.id, d.accepted_started_at + d.accepted_latency_ms * interval '1 millisecond' AS accepted_at, d.assigned_at
                  FROM deliveries d WHERE d.accepted_attempt IS NOT NULL)
            SELECT (SELECT count(*) FROM deliveries),
                   (SELECT count(*) FROM accepted WHERE accepted_at <= @driveEndedAt),
                   (SELECT count(*) FROM deliveries WHERE state = 'delivered'),
                   (SELECT count(*) FROM deliveries WHERE state = 'dead'),
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM accepted_at - assigned_at)),
                   percentile_cont(0.95) WITHIN GROUP (ORDER BY extract(epoch FROM accepted_at - assigned_at)),
                   percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM accepted_at - assigned_at)),
                   max(extract(epoch FROM accepted_at - assigned_at))::float8
              FROM accepted
            """, new { driveEndedAt });
        return new DeliveryFigures(row.Created, row.DuringDrive, Math.Round(row.DuringDrive / driveSeconds, 1), backlogAtEnd, drainSeconds,
            row.Delivered, row.Dead, Round(row.P50), Round(row.P95), Round(row.P99), Round(row.Max), receivedBySink());
    }

    private static double Round(double? seconds) => Math.Round(seconds ?? 0, 3);

    private static Task<long> Pending(NpgsqlConnection connection) =>
        connection.ExecuteScalarAsync<long>("SELECT count(*) FROM deliveries WHERE state = 'pending'");

    public string ToText() => $"""
        Delivery (every provider on a webhook to a local receiver)
          deliveries made         {Created:N0}; accepted during the drive {DeliveredDuringDrive:N0} = {DeliveriesPerSecond:N1}/s
          backlog at drive end    {BacklogAtDriveEnd:N0} pending; drained in {DrainSeconds:N1} s
          delivered / dead        {Delivered:N0} / {Dead:N0} (the receiver counted {ReceivedBySink:N0} requests)
          lag (assigned -> accepted)  p50 {LagP50:N3} s, p95 {LagP95:N3} s, p99 {LagP99:N3} s, max {LagMax:N3} s

        """;
}
