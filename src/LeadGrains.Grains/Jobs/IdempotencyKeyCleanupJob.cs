using LeadGrains.Domain.Leads;
using Npgsql;

namespace LeadGrains.Grains.Jobs;

/// <summary>
/// Daily: deletes the admin API's stored idempotency keys older than 7 days, so the table does not
/// grow without end. A request repeated later runs again; for deposits that is still one effect,
/// because the ledger's own idempotency key (provider, key) is kept for good.
/// </summary>
public sealed class IdempotencyKeyCleanupJob(NpgsqlDataSource db) : RetentionCleanupJob(db)
{
    public override string Name => "idempotency-key-cleanup";

    public override TimeSpan Period => TimeSpan.FromDays(1);

    public override TimeSpan Retention => IdempotencyKeyRetention.Period;

    protected override string DeleteOlderThanCutoff => "DELETE FROM api_idempotency_keys WHERE created_at < @cutoff";

    protected override string RowsDescription => "idempotency key(s)";
}
