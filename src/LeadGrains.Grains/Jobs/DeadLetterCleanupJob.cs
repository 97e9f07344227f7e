using Npgsql;

namespace LeadGrains.Grains.Jobs;

/// <summary>Weekly: deletes dead-letter entries resolved more than 30 days ago (open ones are never deleted).</summary>
public sealed class DeadLetterCleanupJob(NpgsqlDataSource db) : RetentionCleanupJob(db)
{
    public override string Name => "dead-letter-cleanup";

    public override TimeSpan Period => TimeSpan.FromDays(7);

    public override TimeSpan Retention => TimeSpan.FromDays(30);

    protected override string DeleteOlderThanCutoff => "DELETE FROM dead_letters WHERE resolved AND resolved_at < @cutoff";

    protected override string RowsDescription => "resolved dead letter(s)";
}
