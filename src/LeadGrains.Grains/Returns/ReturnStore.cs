using System.Text.Json;
using Dapper;
using LeadGrains.Abstractions.Returns;
using LeadGrains.Domain.Returns;
using Npgsql;

namespace LeadGrains.Grains.Returns;

/// <summary>
/// Return requests in <c>lead_returns</c>. Requests and rejections are written here with their audit
/// rows; an approval moves money, so only the SQL function <c>refund_return</c> (sql/migrations/0006_returns.sql) writes it.
/// </summary>
public sealed class ReturnStore(NpgsqlDataSource db)
{
    private const string ViewColumns = """
        r.id AS return_id, r.workspace_id, r.assignment_id, r.provider_id, r.lead_id, r.niche_id, r.price_cents, r.reason, r.note,
        r.status, r.review_reason, r.requested_at, r.requested_by, r.decided_at, r.decided_by, r.decision_note, r.refund_entry_id
        """;

    /// <summary>An assignment of the provider, with what a return needs to know of it.</summary>
    public sealed record Assignment
    {
        public Guid AssignmentId { get; init; }
        public Guid WorkspaceId { get; init; }
        public Guid LeadId { get; init; }
        public Guid NicheId { get; init; }
        public long PriceCents { get; init; }
        public DateTime AssignedAt { get; init; }
    }

    public async Task<Assignment?> AssignmentOf(Guid providerId, Guid assignmentId)
    {
        await using var connection = await db.OpenConnectionAsync();
        return await connection.QuerySingleOrDefaultAsync<Assignment>("""
            SELECT a.id AS assignment_id, p.workspace_id, a.lead_id, a.niche_id, a.price_cents, a.assigned_at
              FROM lead_assignments a JOIN providers p ON p.id = a.provider_id
             WHERE a.id = @assignmentId AND a.provider_id = @providerId
            """, new { providerId, assignmentId });
    }

    public async Task<ReturnView?> Find(Guid providerId, Guid returnId)
    {
        await using var connection = await db.OpenConnectionAsync();
        var row = await connection.QuerySingleOrDefaultAsync<StoredReturn>(
            $"SELECT {ViewColumns} FROM lead_returns r WHERE r.id = @returnId AND r.provider_id = @providerId", new { providerId, returnId });
        return row?.ToView();
    }

    public async Task<ReturnView?> OfAssignment(Guid assignmentId)
    {
        await using var connection = await db.OpenConnectionAsync();
        var row = await connection.QuerySingleOrDefaultAsync<StoredReturn>(
            $"SELECT {ViewColumns} FROM lead_returns r WHERE r.assignment_id = @assignmentId", new { assignmentId });
        return row?.ToView();
    }

    /// <summary>The provider's returns requested and assignments made since <paramref name="since"/>: what its return-rate limit counts.</summary>
    public async Task<(int Returns, int Assignments)> History(Guid providerId, DateTimeOffset since)
    {
        await using var connection = await db.OpenConnectionAsync();
        return await connection.QuerySingleAsync<(int, int)>("""
            SELECT (SELECT count(*)::int FROM lead_returns WHERE provider_id = @providerId AND requested_at >= @since),
                   (SELECT count(*)::int FROM lead_assignments WHERE provider_id = @providerId AND assigned_at >= @since)
            """, new { providerId, since });
    }

    /// <summary>Stores a pending return and its audit row; null if the assignment has a return already (a duplicate activation got there first).</summary>
    public async Task<ReturnView?> Insert(Guid returnId, Guid providerId, Assignment assignment, ReturnRequestCommand command, string reviewReason, DateTimeOffset now)
    {
        await using var connection = await db.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var row = await connection.QuerySingleOrDefaultAsync<StoredReturn>($"""
            INSERT INTO lead_returns AS r (id, workspace_id, assignment_id, provider_id, lead_id, niche_id, price_cents, reason, note, status,
                                           review_reason, requested_at, requested_by)
            VALUES (@returnId, @WorkspaceId, @AssignmentId, @providerId, @LeadId, @NicheId, @PriceCents, @reason, @note, 'pending',
                    @reviewReason, @now, @actor)
            ON CONFLICT (assignment_id) DO NOTHING
            RETURNING {ViewColumns}
            """, new
        {
            returnId, providerId, assignment.WorkspaceId, assignment.AssignmentId, assignment.LeadId, assignment.NicheId, assignment.PriceCents,
            reason = command.Reason, note = command.Note, reviewReason, now, actor = command.Actor,
        }, transaction);
        if (row is null)
        {
            return null;
        }
        await Audit(connection, transaction, row, command.Actor, "return.requested", now, new { row.AssignmentId, row.ProviderId, row.PriceCents, row.Reason, review_reason = reviewReason });
        await transaction.CommitAsync();
        return row.ToView();
    }

    /// <summary>The answer of <c>refund_return</c>.</summary>
    public sealed record RefundRow
    {
        public string Outcome { get; init; } = "";
        public Guid? EntryId { get; init; }
        public long AmountCents { get; init; }
        public long BalanceCents { get; init; }
        public Guid[] ReactivatedSubscriptionIds { get; init; } = [];
    }

    /// <summary>Approves and refunds in one transaction (the money function); approving an approved return refunds nothing.</summary>
    public async Task<RefundRow> Refund(Guid returnId, Guid entryId, string actor, string? note, DateTimeOffset now)
    {
        await using var connection = await db.OpenConnectionAsync();
        return await connection.QuerySingleAsync<RefundRow>("""
            SELECT outcome, entry_id, amount_cents, balance_cents, reactivated_subscription_ids
              FROM refund_return(@returnId, @entryId, @actor, @note, @now)
            """, new { returnId, entryId, actor, note, now });
    }

    /// <summary>
    /// Approves and refunds a return within its provider's return-rate limit, which the database counts
    /// again under the provider's row lock (<c>auto_approve_return</c>, migration 0051): over it, the
    /// return stays pending for review (<c>rate_limit</c>) and no money moves.
    /// </summary>
    public async Task<RefundRow> AutoApprove(Guid returnId, Guid entryId, string actor, string? note, DateTimeOffset now)
    {
        await using var connection = await db.OpenConnectionAsync();
        return await connection.QuerySingleAsync<RefundRow>("""
            SELECT outcome, entry_id, amount_cents, balance_cents, reactivated_subscription_ids
              FROM auto_approve_return(@returnId, @entryId, @actor, @note, @now)
            """, new { returnId, entryId, actor, note, now });
    }

    /// <summary>Rejects a pending return with its audit row; null if it was no longer pending.</summary>
    public async Task<ReturnView?> Reject(Guid returnId, string actor, string? note, DateTimeOffset now)
    {
        await using var connection = await db.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var row = await connection.QuerySingleOrDefaultAsync<StoredReturn>($"""
            UPDATE lead_returns r SET status = 'rejected', decided_at = @now, decided_by = @actor, decision_note = @note
             WHERE r.id = @returnId AND r.status = 'pending'
            RETURNING {ViewColumns}
            """, new { returnId, actor, note, now }, transaction);
        if (row is null)
        {
            return null;
        }
        await Audit(connection, transaction, row, actor, "return.rejected", now, new { row.AssignmentId, row.ProviderId, row.Reason, note });
        await transaction.CommitAsync();
        return row.ToView();
    }

    private static Task Audit(NpgsqlConnection connection, NpgsqlTransaction transaction, StoredReturn row, string actor, string action, DateTimeOffset now, object metadata) =>
        connection.ExecuteAsync("""
            INSERT INTO audit_log (workspace_id, actor, action, lead_id, target_type, target_id, metadata, created_at)
            VALUES (@WorkspaceId, @actor, @action, @LeadId, 'lead_return', @target, @metadata::jsonb, @now)
            """, new
        {
            row.WorkspaceId, actor, action, row.LeadId, target = row.ReturnId.ToString(), now,
            metadata = JsonSerializer.Serialize(metadata, AuditJson),
        }, transaction);

    private static readonly JsonSerializerOptions AuditJson = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
}
