using System.Text.Json;
using Dapper;
using Npgsql;
using NpgsqlTypes;

namespace LeadGrains.Api.Leads;

/// <summary>An upload taken in: its id and how many data rows it had.</summary>
public sealed record LeadImportUpload(Guid ImportId, int TotalRows, int RejectedRows);

/// <summary>
/// Takes an import job's upload in: streams the parsed rows (<see cref="LeadCsvRows"/>) into
/// <c>lead_import_rows</c> with binary COPY, and writes the import with its total and the rows
/// rejected while parsing, all in one transaction — so the import grain never sees half an upload,
/// and the file is never held whole in memory.
/// </summary>
public sealed class LeadImportUploads(NpgsqlDataSource db)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<LeadImportUpload> Store(Stream csv, Guid workspaceId, string actor, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var importId = Guid.NewGuid();
        var total = 0;
        var rejectedRows = 0;
        var rejected = new List<object>();
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync("""
            INSERT INTO lead_imports (id, workspace_id, status, total_rows, created_by, created_at, updated_at)
            VALUES (@importId, @workspaceId, 'running', 0, @actor, @now, @now)
            """, new { importId, workspaceId, actor, now }, transaction);
        await using (var copy = await connection.BeginBinaryImportAsync(
            "COPY lead_import_rows (import_id, line, lead_id, niche_id, submission) FROM STDIN (FORMAT BINARY)", cancellationToken))
        {
            await foreach (var row in LeadCsvRows.Read(csv, workspaceId, importId, cancellationToken))
            {
                if (row.Submission is null)
                {
                    // A rejected header is line 1, no data row; a rejected data row is done already.
                    if (row.Line > 1)
                    {
                        total++;
                        rejectedRows++;
                    }
                    rejected.Add(new { line = row.Line, reason = row.Rejection });
                    continue;
                }
                total++;
                await copy.StartRowAsync(cancellationToken);
                await copy.WriteAsync(importId, NpgsqlDbType.Uuid, cancellationToken);
                await copy.WriteAsync(row.Line, NpgsqlDbType.Bigint, cancellationToken);
                await copy.WriteAsync(row.LeadId, NpgsqlDbType.Uuid, cancellationToken);
                await copy.WriteAsync(row.Submission.NicheId, NpgsqlDbType.Uuid, cancellationToken);
                await copy.WriteAsync(JsonSerializer.Serialize(row.Submission, Json), NpgsqlDbType.Jsonb, cancellationToken);
            }
            await copy.CompleteAsync(cancellationToken);
        }
        await connection.ExecuteAsync("""
            UPDATE lead_imports SET total_rows = @total, rows_done = @done, rejected = @rejected::jsonb,
                   status = CASE WHEN @total = @done THEN 'completed' ELSE 'running' END,
                   finished_at = CASE WHEN @total = @done THEN @now END
             WHERE id = @importId
            """, new { importId, total, done = rejectedRows, rejected = JsonSerializer.Serialize(rejected), now }, transaction);
        await transaction.CommitAsync(cancellationToken);
        return new LeadImportUpload(importId, total, rejectedRows);
    }
}
