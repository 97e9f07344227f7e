using Dapper;
using LeadGrains.Domain.Routing;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace LeadGrains.Grains.Routing;

/// <summary>
/// The platform's rules, compiled once per silo and kept until they change: each routing attempt
/// asks the database only for the rules' version (their count and the sum of their rows' transaction ids, which any change moves), and recompiles
/// when it moved. A stored condition that no longer compiles is skipped and logged, never evaluated.
/// </summary>
public sealed class RoutingRuleCache(NpgsqlDataSource db, ILogger<RoutingRuleCache> logger)
{
    private readonly SemaphoreSlim _loading = new(1, 1);
    private (long Count, decimal RowVersions) _version = (-1, 0);
    private RuleBook _book = new([]);

    public async Task<RuleBook> Current()
    {
        await using var connection = await db.OpenConnectionAsync();
        var version = await connection.QuerySingleAsync<(long Count, decimal RowVersions)>("SELECT count(*), coalesce(sum(xmin::text::bigint), 0) FROM routing_rules");
        if (version == _version)
        {
            return _book;
        }
        await _loading.WaitAsync();
        try
        {
            if (version != _version)
            {
                var rows = await connection.QueryAsync<StoredRule>("""
                    SELECT id, name, condition, priority, destination_workspace_id, destination_niche_id, enabled FROM routing_rules
                    """);
                _book = new RuleBook(rows.Select(Compile).OfType<RoutingRule>());
                _version = version;
            }
            return _book;
        }
        finally
        {
            _loading.Release();
        }
    }

    private RoutingRule? Compile(StoredRule row)
    {
        var (condition, errors) = RoutingCondition.Compile(row.Condition);
        if (condition is null)
        {
            logger.LogError("Routing rule {RuleId} does not compile and is skipped: {Errors}", row.Id, string.Join("; ", errors));
            return null;
        }
        return new RoutingRule(row.Id, row.Name, condition, row.Priority, row.DestinationWorkspaceId, row.DestinationNicheId, row.Enabled);
    }

    private sealed record StoredRule
    {
        public Guid Id { get; init; }
        public string Name { get; init; } = "";
        public string Condition { get; init; } = "";
        public int Priority { get; init; }
        public Guid DestinationWorkspaceId { get; init; }
        public Guid DestinationNicheId { get; init; }
        public bool Enabled { get; init; }
    }
}
