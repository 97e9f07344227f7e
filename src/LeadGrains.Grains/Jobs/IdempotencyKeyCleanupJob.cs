using Dapper;
using Npgsql;

namespace LeadGrains.Grains.Jobs;

/// <summary>
/// Daily: deletes the admin API's stored idempotency keys older than 7 days, so the table does not
/// grow without end. A request repeated later runs again; for deposits that is still one effect,
/// because the ledger's own idempotency key (provider, key) is kept for good.
/// </summary>
public sealed class IdempotencyKeyCleanupJob(NpgsqlDataSource db) : IScheduledJob
{
    public static readonly TimeSpan Retention = TimeSpan.FromDays(7);

    public string Name => "idempotency-key-cleanup";

    public TimeSpan Period => TimeSpan.FromDays(1);

    public async Task<string> Run(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var deleted = await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM api_idempotency_keys WHERE created_at < @cutoff", new { cutoff = now - Retention }, cancellationToken: cancellationToken));
        return $"deleted {deleted} idempotency key(s) older than {Retention.TotalDays} days";
    }
}
