using Dapper;
using Npgsql;

namespace LeadGrains.Api.Reports;

/// <summary>
/// The workspace's reports, by UTC day, read straight from the domain tables. Rows come back as the
/// database produces them (unbuffered), so a CSV export streams without holding the report in memory.
/// </summary>
public sealed class ReportQueries(NpgsqlDataSource db)
{
    public sealed record Period(DateTimeOffset From, DateTimeOffset To, Guid? NicheId);

    public async IAsyncEnumerable<NicheDayRow> ByNicheAndDay(Guid workspaceId, Period period)
    {
        await using var connection = await db.OpenConnectionAsync();
        var rows = connection.QueryUnbufferedAsync<Row>("""
            WITH scope AS (
                SELECT id FROM niches WHERE workspace_id = @workspaceId AND (@nicheId::uuid IS NULL OR id = @nicheId)
            ), intake AS (
                SELECT (created_at AT TIME ZONE 'UTC')::date AS day, niche_id, count(*) AS leads_in
                  FROM leads WHERE workspace_id = @workspaceId AND niche_id IN (SELECT id FROM scope) AND created_at >= @from AND created_at < @to
                 GROUP BY 1, 2
            ), runs AS (
                SELECT (completed_at AT TIME ZONE 'UTC')::date AS day, niche_id,
                       count(*) FILTER (WHERE status = 'success') AS distributed,
                       count(*) FILTER (WHERE status = 'partial') AS partial,
                       count(*) FILTER (WHERE status = 'no_eligible') AS no_eligible,
                       count(*) FILTER (WHERE status = 'failed') AS failed_attempts
                  FROM distribution_runs WHERE niche_id IN (SELECT id FROM scope) AND completed_at >= @from AND completed_at < @to
                 GROUP BY 1, 2
            ), money AS (
                SELECT (assigned_at AT TIME ZONE 'UTC')::date AS day, niche_id, count(*) AS assignments, sum(price_cents)::bigint AS revenue_cents
                  FROM lead_assignments WHERE niche_id IN (SELECT id FROM scope) AND assigned_at >= @from AND assigned_at < @to
                 GROUP BY 1, 2
            ), latency AS (
                SELECT (distributed_at AT TIME ZONE 'UTC')::date AS day, niche_id,
                       avg(extract(epoch FROM distributed_at - approved_at))::float8 AS average_seconds_to_distribute
                  FROM leads WHERE workspace_id = @workspaceId AND niche_id IN (SELECT id FROM scope) AND distributed_at >= @from AND distributed_at < @to AND approved_at IS NOT NULL
                 GROUP BY 1, 2
            )
            SELECT day, niche_id,
                   coalesce(i.leads_in, 0) AS leads_in, coalesce(r.distributed, 0) AS distributed, coalesce(r.partial, 0) AS partial,
                   coalesce(r.no_eligible, 0) AS no_eligible, coalesce(r.failed_attempts, 0) AS failed_attempts,
                   coalesce(m.assignments, 0) AS assignments, coalesce(m.revenue_cents, 0) AS revenue_cents, l.average_seconds_to_distribute
              FROM intake i
              FULL JOIN runs r USING (day, niche_id)
              FULL JOIN money m USING (day, niche_id)
              FULL JOIN latency l USING (day, niche_id)
             ORDER BY day, niche_id
            """, new { workspaceId, nicheId = period.NicheId, from = period.From, to = period.To });
        await foreach (var row in rows)
        {
            yield return new NicheDayRow(DateOnly.FromDateTime(row.Day), row.NicheId, row.LeadsIn, row.Distributed, row.Partial, row.NoEligible,
                row.FailedAttempts, row.Assignments, row.RevenueCents, row.AverageSecondsToDistribute);
        }
    }

    public async IAsyncEnumerable<ProviderDayRow> ByProviderAndDay(Guid workspaceId, Period period)
    {
        await using var connection = await db.OpenConnectionAsync();
        var rows = connection.QueryUnbufferedAsync<ProviderRow>("""
            SELECT (a.assigned_at AT TIME ZONE 'UTC')::date AS day, a.niche_id, a.level_id, a.provider_id,
                   count(*) AS assignments, sum(a.price_cents)::bigint AS revenue_cents
              FROM lead_assignments a
             WHERE a.niche_id IN (SELECT id FROM niches WHERE workspace_id = @workspaceId AND (@nicheId::uuid IS NULL OR id = @nicheId))
               AND a.assigned_at >= @from AND a.assigned_at < @to
             GROUP BY 1, 2, 3, 4
             ORDER BY 1, 2, 3, 4
            """, new { workspaceId, nicheId = period.NicheId, from = period.From, to = period.To });
        await foreach (var row in rows)
        {
            yield return new ProviderDayRow(DateOnly.FromDateTime(row.Day), row.NicheId, row.LevelId, row.ProviderId, row.Assignments, row.RevenueCents);
        }
    }

    private sealed record Row
    {
        public DateTime Day { get; init; }
        public Guid NicheId { get; init; }
        public long LeadsIn { get; init; }
        public long Distributed { get; init; }
        public long Partial { get; init; }
        public long NoEligible { get; init; }
        public long FailedAttempts { get; init; }
        public long Assignments { get; init; }
        public long RevenueCents { get; init; }
        public double? AverageSecondsToDistribute { get; init; }
    }

    private sealed record ProviderRow
    {
        public DateTime Day { get; init; }
        public Guid NicheId { get; init; }
        public Guid LevelId { get; init; }
        public Guid ProviderId { get; init; }
        public long Assignments { get; init; }
        public long RevenueCents { get; init; }
    }
}
