using System.Text.Json;
using Dapper;
using LeadGrains.Api.Json;
using Npgsql;

namespace LeadGrains.Api.Audit;

/// <summary>
/// Writes the audit row of an admin mutation the grains do not audit themselves (lead approval,
/// rejection and distribution are audited by the lead and niche grains with the same actor).
/// </summary>
public sealed class AuditLog(NpgsqlDataSource db)
{
    public Task Write(Guid? workspaceId, string actor, string action, string targetType, Guid targetId, object? metadata = null, Guid? leadId = null) =>
        Write(workspaceId, actor, action, targetType, targetId.ToString(), metadata, leadId);

    /// <summary>For targets named by text rather than an id (a scheduled job).</summary>
    public async Task Write(Guid? workspaceId, string actor, string action, string targetType, string targetId, object? metadata = null, Guid? leadId = null)
    {
        await using var connection = await db.OpenConnectionAsync();
        await connection.ExecuteAsync("""
            INSERT INTO audit_log (workspace_id, actor, action, lead_id, target_type, target_id, metadata)
            VALUES (@workspaceId, @actor, @action, @leadId, @targetType, @target, @metadata::jsonb)
            """, new
        {
            workspaceId, actor, action, leadId, targetType, target = targetId,
            metadata = JsonSerializer.Serialize(metadata ?? new { }, ApiJson.Options),
        });
    }
}

/// <summary>Audit metadata of a change: the resource before and after.</summary>
public sealed record Change<T>(T Before, T After);
