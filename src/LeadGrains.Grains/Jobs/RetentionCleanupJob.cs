using Dapper;
using Npgsql;

namespace LeadGrains.Grains.Jobs;

/// <summary>A job that deletes rows kept longer than their retention; each kind says which rows and what they are.</summary>
public abstract class RetentionCleanupJob(NpgsqlDataSource db) : IScheduledJob
{
    public abstract string Name { get; }

    public abstract TimeSpan Period { get; }

    /// <summary>How long a row is kept.</summary>
    public abstract TimeSpan Retention { get; }

    /// <summary>A DELETE of the rows older than <c>@cutoff</c>.</summary>
    protected abstract string DeleteOlderThanCutoff { get; }

    /// <summary>What the deleted rows are, for the run's summary (e.g. "resolved dead letter(s)").</summary>
    protected abstract string RowsDescription { get; }

    public async Task<string> Run(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var deleted = await connection.ExecuteAsync(new CommandDefinition(
            DeleteOlderThanCutoff, new { cutoff = now - Retention }, cancellationToken: cancellationToken));
        return $"deleted {deleted} {RowsDescription} older than {Retention.TotalDays} days";
    }
}
