using Dapper;
using Npgsql;

namespace LeadGrains.Grains.Jobs;

/// <summary>Weekly: deletes dead-letter entries resolved more than 30 days ago (open ones are never deleted).</summary>
public sealed class DeadLetterCleanupJob(NpgsqlDataSource db) : IScheduledJob
{
    public static readonly TimeSpan Retention = TimeSpan.FromDays(30);

    public string Name => "dead-letter-cleanup";

    public TimeSpan Period => TimeSpan.FromDays(7);

    public async Task<string> Run(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var deleted = await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM dead_letters WHERE resolved AND resolved_at < @cutoff", new { cutoff = now - Retention }, cancellationToken: cancellationToken));
        return $"deleted {deleted} resolved dead letter(s)";
    }
}
