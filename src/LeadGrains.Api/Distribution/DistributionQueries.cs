using System.Text.Json;
using Dapper;
using LeadGrains.Api.Paging;
using Npgsql;

namespace LeadGrains.Api.Distribution;

/// <summary>Distribution status and assignment pages of a lead, straight from PostgreSQL.</summary>
public sealed class DistributionQueries(NpgsqlDataSource db)
{
    private static readonly JsonSerializerOptions StoredJson = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private sealed record StatusRow
    {
        public string LeadStatus { get; init; } = "";
        public int DistributionAttempts { get; init; }
        public bool Due { get; init; }
        public long Assignments { get; init; }
        public string? RunStatus { get; init; }
        public DateTime? StartedAt { get; init; }
        public DateTime? CompletedAt { get; init; }
        public int? StartLevelOrderPosition { get; init; }
        public string? Traversal { get; init; }
        public string? Skipped { get; init; }
        public string? Error { get; init; }
    }

    private sealed record StoredSkip(Guid ProviderId, Guid? SubscriptionId, string Reason);

    /// <summary>The lead's latest attempt and its assignment count; null if the lead is not in the workspace.</summary>
    public async Task<DistributionStatusResponse?> Status(Guid workspaceId, Guid leadId, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<StatusRow>(new CommandDefinition("""
            SELECT l.status AS lead_status, l.distribution_attempts, (l.next_attempt_at IS NOT NULL) AS due,
                   (SELECT count(*) FROM lead_assignments a WHERE a.lead_id = l.id) AS assignments,
                   r.status AS run_status, r.started_at, r.completed_at, r.start_level_order_position,
                   r.traversal::text AS traversal, r.skipped::text AS skipped, r.error
              FROM leads l
              LEFT JOIN LATERAL (SELECT * FROM distribution_runs r WHERE r.lead_id = l.id ORDER BY r.attempt DESC LIMIT 1) r ON true
             WHERE l.id = @leadId AND l.workspace_id = @workspaceId
            """, new { workspaceId, leadId }, cancellationToken: cancellationToken));
        if (row is null)
        {
            return null;
        }
        var attempt = row.RunStatus switch
        {
            null => row.LeadStatus == "approved" && row.Due ? "queued" : "none",
            "running" => "queued",
            var finished => finished,
        };
        var skipped = row.Skipped is null ? [] : JsonSerializer.Deserialize<List<StoredSkip>>(row.Skipped, StoredJson) ?? [];
        return new DistributionStatusResponse(
            leadId, row.LeadStatus, row.CompletedAt ?? row.StartedAt, attempt, (int)row.Assignments, row.StartLevelOrderPosition,
            skipped.Select(s => new SkippedResponse(s.ProviderId, s.SubscriptionId, s.Reason)).ToList(),
            Notes(attempt, row), row.DistributionAttempts,
            row.Traversal is null ? [] : JsonSerializer.Deserialize<List<int>>(row.Traversal) ?? []);
    }

    private static string Notes(string attempt, StatusRow row) => attempt switch
    {
        "success" or "partial" => $"Distribution completed with {row.Assignments} assignment(s).",
        "no_eligible" => "Distribution completed: no eligible, affordable provider.",
        "failed" when row.LeadStatus == "failed" => "Distribution attempts are exhausted; see the dead-letter queue.",
        "failed" => "The last distribution attempt failed; it will be retried.",
        "queued" => "Distribution is queued or in progress.",
        _ => row.LeadStatus is "approved" ? "Not distributed yet; trigger a distribution." : $"The lead is {row.LeadStatus}; it is not distributed.",
    };

    public async Task<LeadAssignmentPage> Assignments(Guid leadId, PageRequest page, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var total = await connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT count(*) FROM lead_assignments WHERE lead_id = @leadId", new { leadId }, cancellationToken: cancellationToken));
        var items = await connection.QueryAsync<LeadAssignmentResponse>(new CommandDefinition("""
            SELECT a.id AS assignment_id, a.provider_id, p.name AS provider_name, a.subscription_id, a.level_id AS competition_level_id,
                   l.name AS level_name, round(a.price_cents / 100.0, 2) AS price_charged, a.price_cents AS price_charged_cents, a.assigned_at, a.status
              FROM lead_assignments a
              JOIN providers p ON p.id = a.provider_id
              JOIN competition_levels l ON l.id = a.level_id
             WHERE a.lead_id = @leadId
             ORDER BY a.assigned_at DESC, a.id DESC
             LIMIT @Limit OFFSET @Offset
            """, new { leadId, page.Limit, page.Offset }, cancellationToken: cancellationToken));
        return new LeadAssignmentPage(leadId, page.Page, page.Limit, total, items.ToList());
    }
}
