using System.Text.Json;
using Dapper;
using LeadGrains.Abstractions.Leads;
using Npgsql;

namespace LeadGrains.Grains.Leads;

/// <summary>A stored row of an import still to submit.</summary>
public sealed record LeadImportRowToSubmit(long Line, Guid LeadId, LeadSubmission Submission);

/// <summary>What a batch of submitted rows adds to its import.</summary>
public sealed record LeadImportBatch(long LastLine, int Rows, int Accepted, int Duplicates, IReadOnlyList<(long Line, string Reason)> Rejected);

/// <summary>
/// The import job's side of <c>lead_imports</c> and <c>lead_import_rows</c> (the API writes the
/// upload): reads the next rows in line order, and records a submitted batch — its counts, its
/// rejections, and the deletion of its rows with their contact data — in one transaction.
/// </summary>
public sealed class LeadImportStore(NpgsqlDataSource db)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<IReadOnlyList<LeadImportRowToSubmit>> NextRows(Guid importId, int limit)
    {
        await using var connection = await db.OpenConnectionAsync();
        var rows = await connection.QueryAsync<(long Line, Guid LeadId, string Submission)>(
            "SELECT line, lead_id, submission::text FROM lead_import_rows WHERE import_id = @importId ORDER BY line LIMIT @limit",
            new { importId, limit });
        return rows.Select(r => new LeadImportRowToSubmit(r.Line, r.LeadId, JsonSerializer.Deserialize<LeadSubmission>(r.Submission, Json)!)).ToList();
    }

    public async Task RecordBatch(Guid importId, LeadImportBatch batch, DateTimeOffset now)
    {
        await using var connection = await db.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var deleted = await connection.ExecuteAsync(
            "DELETE FROM lead_import_rows WHERE import_id = @importId AND line <= @LastLine", new { importId, batch.LastLine }, transaction);
        // A batch whose rows are already gone was recorded by an earlier activation: count it once.
        if (deleted > 0)
        {
            await connection.ExecuteAsync("""
                UPDATE lead_imports
                   SET rows_done = rows_done + @deleted, accepted = accepted + @Accepted, duplicates = duplicates + @Duplicates,
                       rejected = rejected || @rejected::jsonb, updated_at = @now
                 WHERE id = @importId
                """, new
            {
                importId, deleted, batch.Accepted, batch.Duplicates, now,
                rejected = JsonSerializer.Serialize(batch.Rejected.Select(r => new { line = r.Line, reason = r.Reason })),
            }, transaction);
        }
        await transaction.CommitAsync();
    }

    /// <summary>Marks the import completed once no row is left; false while some are.</summary>
    public async Task<bool> CompleteIfDone(Guid importId, DateTimeOffset now)
    {
        await using var connection = await db.OpenConnectionAsync();
        return await connection.ExecuteAsync("""
            UPDATE lead_imports SET status = 'completed', finished_at = @now, updated_at = @now
             WHERE id = @importId AND status = 'running' AND NOT EXISTS (SELECT 1 FROM lead_import_rows WHERE import_id = @importId)
            """, new { importId, now }) > 0
            || await connection.ExecuteScalarAsync<bool>("SELECT status = 'completed' FROM lead_imports WHERE id = @importId", new { importId });
    }
}
