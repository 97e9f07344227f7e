using Dapper;
using LeadGrains.Abstractions.Queues;
using LeadGrains.Api.Audit;
using LeadGrains.Api.Jobs;
using LeadGrains.Api.Niches;
using LeadGrains.Api.Paging;
using LeadGrains.Abstractions.Jobs;
using Npgsql;

namespace LeadGrains.Api.OpsConsole;

/// <summary>
/// What the console shows: a workspace's overview, and for platform operators the list of workspaces
/// with their queues — the same grains and queries the admin API reads.
/// </summary>
public sealed class ConsoleViews(
    NpgsqlDataSource db, IGrainFactory grains, JobSchedules schedules, AuditQueries audit, FairnessQueries fairness, TimeProvider clock)
{
    private const int RecentDistributions = 15;
    private const int OpenDeadLetters = 25;
    private const int NichesWithFairness = 10;

    /// <summary>How many workspaces the platform page lists (by name).</summary>
    public const int WorkspacesListed = 200;

    /// <summary>A workspace on the platform page: its name and its distribution queue.</summary>
    public sealed record WorkspaceLine(Guid WorkspaceId, string Name, QueueStatus Queue);

    /// <summary>One recorded distribution and why each provider was chosen or skipped.</summary>
    public sealed record DistributionTrace(
        Guid LeadId, string NicheName, string Status, int StartLevelOrderPosition, string Traversal, string Chosen, string Skipped, DateTime CompletedAt);

    public sealed record Overview(
        QueueStatus Queue, IReadOnlyList<DeadLetterEntry> DeadLetters, IReadOnlyList<DistributionTrace> Distributions,
        IReadOnlyList<JobResponse> Jobs, IReadOnlyList<AuditEntry> Discrepancies, IReadOnlyList<(string Niche, FairnessReport Report)> Fairness);

    public async Task<IReadOnlyList<WorkspaceLine>> Workspaces(CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var workspaces = await connection.QueryAsync<(Guid Id, string Name)>(new CommandDefinition(
            "SELECT id, name FROM workspaces ORDER BY name, id LIMIT @take", new { take = WorkspacesListed }, cancellationToken: cancellationToken));
        var lines = new List<WorkspaceLine>();
        foreach (var (id, name) in workspaces)
        {
            lines.Add(new WorkspaceLine(id, name, await grains.GetGrain<IDeadLetterQueueGrain>(id).Status(cancellationToken)));
        }
        return lines;
    }

    /// <summary>The workspace's name, or null if there is none with that id.</summary>
    public async Task<string?> WorkspaceName(Guid workspaceId)
    {
        await using var connection = await db.OpenConnectionAsync();
        return await connection.QuerySingleOrDefaultAsync<string>("SELECT name FROM workspaces WHERE id = @workspaceId", new { workspaceId });
    }

    public async Task<Overview> Load(Guid workspaceId, CancellationToken cancellationToken)
    {
        var queue = grains.GetGrain<IDeadLetterQueueGrain>(workspaceId);
        var now = clock.GetUtcNow();
        var jobs = new List<JobResponse>();
        foreach (var schedule in await schedules.All(cancellationToken))
        {
            jobs.Add(JobResponse.From(schedule, await grains.GetGrain<IScheduledJobGrain>(schedule.Name).GetStatus(), now));
        }
        var discrepancies = await audit.List(workspaceId,
            new AuditQueries.Filter("ledger.discrepancy", null, null, null, null, new TimeRange(null, null)), null, 20, cancellationToken);
        var levels = new List<(string, FairnessReport)>();
        foreach (var (nicheId, name) in await Niches(workspaceId))
        {
            if (await fairness.Report(workspaceId, nicheId, now.AddDays(-1), now, cancellationToken) is { } report)
            {
                levels.Add((name, report));
            }
        }
        return new Overview(
            await queue.Status(cancellationToken), (await queue.List(1, OpenDeadLetters, resolved: false, cancellationToken)).Items, await Distributions(workspaceId),
            jobs, discrepancies.Items, levels);
    }

    private async Task<IReadOnlyList<(Guid, string)>> Niches(Guid workspaceId)
    {
        await using var connection = await db.OpenConnectionAsync();
        return (await connection.QueryAsync<(Guid, string)>(
            "SELECT id, name FROM niches WHERE workspace_id = @workspaceId ORDER BY name LIMIT @take",
            new { workspaceId, take = NichesWithFairness })).ToList();
    }

    /// <summary>The latest recorded runs, with the chosen providers (level, price) and the skipped ones (reason), by name.</summary>
    private async Task<IReadOnlyList<DistributionTrace>> Distributions(Guid workspaceId)
    {
        await using var connection = await db.OpenConnectionAsync();
        return (await connection.QueryAsync<DistributionTrace>("""
            SELECT r.lead_id, n.name AS niche_name, r.status, r.start_level_order_position,
                   coalesce((SELECT string_agg(t, ' → ') FROM jsonb_array_elements_text(r.traversal) t), '') AS traversal,
                   coalesce((SELECT string_agg(p.name || ' (level ' || cl.order_position || ', ' || a.price_cents || ' ¢)', '; ' ORDER BY cl.order_position)
                               FROM lead_assignments a JOIN providers p ON p.id = a.provider_id JOIN competition_levels cl ON cl.id = a.level_id
                              WHERE a.lead_id = r.lead_id), '') AS chosen,
                   coalesce((SELECT string_agg(coalesce(p.name, s->>'provider_id') || ': ' || (s->>'reason'), '; ')
                               FROM jsonb_array_elements(r.skipped) s LEFT JOIN providers p ON p.id = (s->>'provider_id')::uuid), '') AS skipped,
                   r.completed_at
              FROM distribution_runs r JOIN niches n ON n.id = r.niche_id
             WHERE n.workspace_id = @workspaceId AND r.completed_at IS NOT NULL
             ORDER BY r.completed_at DESC
             LIMIT @take
            """, new { workspaceId, take = RecentDistributions })).ToList();
    }
}
