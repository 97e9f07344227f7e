using Dapper;
using Npgsql;

namespace LeadGrains.Api.Reports;

/// <summary>Returned leads per provider, niche or reason, over the returns requested in a period; unbuffered, so CSV streams.</summary>
public sealed class ReturnReportQueries(NpgsqlDataSource db)
{
    /// <summary>What a report groups by, and the SQL of its key and display name (fixed strings, never the caller's text).</summary>
    public static readonly IReadOnlyDictionary<string, (string Key, string Name, string Join)> Groupings = new Dictionary<string, (string, string, string)>
    {
        ["provider"] = ("r.provider_id::text", "p.name", "JOIN providers p ON p.id = r.provider_id"),
        ["niche"] = ("r.niche_id::text", "n.name", "JOIN niches n ON n.id = r.niche_id"),
        ["reason"] = ("r.reason", "NULL::text", ""),
    };

    public async IAsyncEnumerable<ReturnReportRow> By(string grouping, Guid workspaceId, ReportQueries.Period period)
    {
        var (key, name, join) = Groupings[grouping];
        await using var connection = await db.OpenConnectionAsync();
        var rows = connection.QueryUnbufferedAsync<Row>($"""
            SELECT {key} AS key, {name} AS name, count(*) AS requested,
                   count(*) FILTER (WHERE r.status = 'pending') AS pending,
                   count(*) FILTER (WHERE r.status = 'approved') AS approved,
                   count(*) FILTER (WHERE r.status = 'rejected') AS rejected,
                   coalesce(sum(e.amount_cents), 0)::bigint AS refunded_cents
              FROM lead_returns r
              {join}
              LEFT JOIN ledger_entries e ON e.id = r.refund_entry_id
             WHERE r.workspace_id = @workspaceId AND r.requested_at >= @from AND r.requested_at < @to
               AND (@nicheId::uuid IS NULL OR r.niche_id = @nicheId)
             GROUP BY 1, 2
             ORDER BY requested DESC, 1
            """, new { workspaceId, nicheId = period.NicheId, from = period.From, to = period.To });
        await foreach (var row in rows)
        {
            yield return new ReturnReportRow(row.Key, row.Name, row.Requested, row.Pending, row.Approved, row.Rejected, row.RefundedCents);
        }
    }

    private sealed record Row
    {
        public string Key { get; init; } = "";
        public string? Name { get; init; }
        public long Requested { get; init; }
        public long Pending { get; init; }
        public long Approved { get; init; }
        public long Rejected { get; init; }
        public long RefundedCents { get; init; }
    }
}
