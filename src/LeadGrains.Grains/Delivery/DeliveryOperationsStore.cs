using Dapper;
using LeadGrains.Abstractions.Delivery;
using Npgsql;

namespace LeadGrains.Grains.Delivery;

/// <summary>The SQL of operators' actions on deliveries and templates, always within one workspace.</summary>
public sealed class DeliveryOperationsStore(NpgsqlDataSource db)
{
    public async Task<bool> AssignmentExists(Guid workspaceId, Guid assignmentId)
    {
        await using var connection = await db.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<bool>("""
            SELECT EXISTS (SELECT 1 FROM lead_assignments a JOIN providers p ON p.id = a.provider_id
                            WHERE a.id = @assignmentId AND p.workspace_id = @workspaceId)
            """, new { workspaceId, assignmentId });
    }

    /// <summary>
    /// Makes the assignment's finished deliveries pending again (due now, a new give-up period); returns
    /// every pending one. A delivered one's accepted try moves from its row into delivery_attempts, so
    /// the next accepted try does not overwrite it in the attempt log.
    /// </summary>
    public async Task<IReadOnlyList<Guid>> Resend(Guid workspaceId, Guid assignmentId, string? channel, DateTimeOffset now, DateTimeOffset giveUpAt)
    {
        await using var connection = await db.OpenConnectionAsync();
        await connection.ExecuteAsync("""
            WITH reopened AS (
                UPDATE deliveries d
                   SET state = 'pending', next_attempt_at = @now, give_up_at = @giveUpAt, delivered_at = NULL, dead_at = NULL,
                       resolved_at = NULL, resolved_by = NULL, resolution_note = NULL,
                       accepted_attempt = NULL, accepted_started_at = NULL, accepted_latency_ms = NULL, accepted_by = NULL
                  FROM deliveries was
                 WHERE was.id = d.id
                   AND d.assignment_id = @assignmentId AND d.workspace_id = @workspaceId AND (@channel::text IS NULL OR d.channel = @channel)
                   AND d.state <> 'pending'
                RETURNING was.id, was.accepted_attempt, was.accepted_started_at, was.accepted_latency_ms, was.last_status_code,
                          was.accepted_by)
            INSERT INTO delivery_attempts (delivery_id, attempt, started_at, latency_ms, outcome, status_code, error, silo)
            SELECT id, accepted_attempt, accepted_started_at, accepted_latency_ms, 'accepted', last_status_code, NULL, accepted_by
              FROM reopened WHERE accepted_attempt IS NOT NULL
            """, new { workspaceId, assignmentId, channel, now, giveUpAt });
        return (await connection.QueryAsync<Guid>("""
            SELECT id FROM deliveries
             WHERE assignment_id = @assignmentId AND workspace_id = @workspaceId AND (@channel::text IS NULL OR channel = @channel)
             ORDER BY channel
            """, new { workspaceId, assignmentId, channel })).ToList();
    }

    public async Task<DeadDeliveryOutcome> Retry(Guid workspaceId, Guid deliveryId, DateTimeOffset now, DateTimeOffset giveUpAt)
    {
        await using var connection = await db.OpenConnectionAsync();
        var changed = await connection.ExecuteAsync("""
            UPDATE deliveries SET state = 'pending', next_attempt_at = @now, give_up_at = @giveUpAt, dead_at = NULL
             WHERE id = @deliveryId AND workspace_id = @workspaceId AND state = 'dead' AND resolved_at IS NULL
            """, new { workspaceId, deliveryId, now, giveUpAt });
        return changed == 1 ? DeadDeliveryOutcome.Done : await Missing(connection, workspaceId, deliveryId);
    }

    public async Task<DeadDeliveryOutcome> Resolve(Guid workspaceId, Guid deliveryId, string actor, string? note, DateTimeOffset now)
    {
        await using var connection = await db.OpenConnectionAsync();
        var changed = await connection.ExecuteAsync("""
            UPDATE deliveries SET resolved_at = @now, resolved_by = @actor, resolution_note = @note
             WHERE id = @deliveryId AND workspace_id = @workspaceId AND state = 'dead' AND resolved_at IS NULL
            """, new { workspaceId, deliveryId, actor, note, now });
        return changed == 1 ? DeadDeliveryOutcome.Done : await Missing(connection, workspaceId, deliveryId);
    }

    private static async Task<DeadDeliveryOutcome> Missing(NpgsqlConnection connection, Guid workspaceId, Guid deliveryId) =>
        await connection.ExecuteScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM deliveries WHERE id = @deliveryId AND workspace_id = @workspaceId)",
            new { workspaceId, deliveryId })
            ? DeadDeliveryOutcome.NotOpen
            : DeadDeliveryOutcome.NotFound;

    public sealed record WebhookTarget(string? WebhookUrl, string? WebhookSecret, string? WebhookPreviousSecret, DateTime? WebhookPreviousSecretExpiresAt);

    public async Task<WebhookTarget?> Webhook(Guid workspaceId, Guid providerId)
    {
        await using var connection = await db.OpenConnectionAsync();
        return await connection.QuerySingleOrDefaultAsync<WebhookTarget>("""
            SELECT webhook_url, webhook_secret, webhook_previous_secret, webhook_previous_secret_expires_at
              FROM providers WHERE id = @providerId AND workspace_id = @workspaceId
            """, new { workspaceId, providerId });
    }

    public sealed record TemplateRow(string Subject, string TextBody, string HtmlBody, DateTime UpdatedAt);

    public async Task<TemplateRow?> Template(Guid workspaceId, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<TemplateRow>(new CommandDefinition(
            "SELECT subject, text_body, html_body, updated_at FROM message_templates WHERE workspace_id = @workspaceId AND name = 'lead_assigned'",
            new { workspaceId }, cancellationToken: cancellationToken));
    }

    public async Task SaveTemplate(Guid workspaceId, TemplateParts parts, string actor, DateTimeOffset now)
    {
        await using var connection = await db.OpenConnectionAsync();
        await connection.ExecuteAsync("""
            INSERT INTO message_templates (workspace_id, name, subject, text_body, html_body, updated_at, updated_by)
            VALUES (@workspaceId, 'lead_assigned', @Subject, @Text, @Html, @now, @actor)
            ON CONFLICT (workspace_id, name) DO UPDATE
               SET subject = excluded.subject, text_body = excluded.text_body, html_body = excluded.html_body,
                   updated_at = excluded.updated_at, updated_by = excluded.updated_by
            """, new { workspaceId, parts.Subject, parts.Text, parts.Html, now, actor });
    }
}
