using Dapper;
using Npgsql;

namespace LeadGrains.Grains.Jobs;

/// <summary>Daily: leads never distributed within their time to live (pending, or approved and not in flight) become expired.</summary>
public sealed class LeadExpiryJob(NpgsqlDataSource db) : IScheduledJob
{
    public string Name => "lead-expiry";

    public TimeSpan Period => TimeSpan.FromDays(1);

    public async Task<string> Run(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var expired = await connection.ExecuteScalarAsync<long>(new CommandDefinition("""
            WITH expired AS (
                UPDATE leads SET status = 'expired', next_attempt_at = NULL, updated_at = @now
                 WHERE status IN ('pending', 'approved') AND expires_at <= @now AND (lease_until IS NULL OR lease_until < @now)
                RETURNING id, workspace_id, status),
            audited AS (
                INSERT INTO audit_log (workspace_id, actor, action, lead_id, target_type, target_id, metadata, created_at)
                SELECT workspace_id, 'system', 'lead.expired', id, 'lead', id::text, '{}', @now FROM expired)
            SELECT count(*) FROM expired
            """, new { now }, cancellationToken: cancellationToken));
        return $"expired {expired} lead(s)";
    }
}
