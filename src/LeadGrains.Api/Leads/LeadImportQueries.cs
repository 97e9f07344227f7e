using System.Text.Json;
using Dapper;
using Npgsql;

namespace LeadGrains.Api.Leads;

/// <summary>An import job as an operator follows it: its progress while it runs, its report once completed.</summary>
public sealed record LeadImportResponse(
    Guid ImportId, string Status, int TotalRows, int RowsDone, int Accepted, int Duplicates, IReadOnlyList<ImportRejectionResponse> Rejected,
    string CreatedBy, DateTime CreatedAt, DateTime UpdatedAt, DateTime? FinishedAt);

/// <summary>Reads import jobs, the caller's workspace only.</summary>
public sealed class LeadImportQueries(NpgsqlDataSource db)
{
    private sealed record Row
    {
        public Guid Id { get; init; }
        public string Status { get; init; } = "";
        public int TotalRows { get; init; }
        public int RowsDone { get; init; }
        public int Accepted { get; init; }
        public int Duplicates { get; init; }
        public string Rejected { get; init; } = "[]";
        public string CreatedBy { get; init; } = "";
        public DateTime CreatedAt { get; init; }
        public DateTime UpdatedAt { get; init; }
        public DateTime? FinishedAt { get; init; }
    }

    public async Task<LeadImportResponse?> Get(Guid workspaceId, Guid importId, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition("""
            SELECT id, status, total_rows, rows_done, accepted, duplicates, rejected::text AS rejected, created_by, created_at, updated_at, finished_at
              FROM lead_imports WHERE id = @importId AND workspace_id = @workspaceId
            """, new { workspaceId, importId }, cancellationToken: cancellationToken));
        if (row is null)
        {
            return null;
        }
        var rejected = JsonSerializer.Deserialize<List<ImportRejectionResponse>>(row.Rejected, new JsonSerializerOptions(JsonSerializerDefaults.Web))!
            .OrderBy(r => r.Line).ToList();
        return new LeadImportResponse(row.Id, row.Status, row.TotalRows, row.RowsDone, row.Accepted, row.Duplicates, rejected,
            row.CreatedBy, row.CreatedAt, row.UpdatedAt, row.FinishedAt);
    }
}
