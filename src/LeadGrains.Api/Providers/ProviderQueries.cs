using Dapper;
using LeadGrains.Abstractions.Niches;
using LeadGrains.Api.Paging;
using LeadGrains.Domain.Eligibility;
using Npgsql;

namespace LeadGrains.Api.Providers;

/// <summary>Read-only provider data (subscriptions, ledger), straight from PostgreSQL.</summary>
public sealed class ProviderQueries(NpgsqlDataSource db)
{
    private sealed record SubscriptionRow(Guid SubscriptionId, Guid ProviderId, Guid LevelId, Guid NicheId, string Filters, string Status, DateTime? LastReceivedAt);

    // The last service as the assignments say: the saved last_received_at can lag its niche by a few seconds.
    private const string SubscriptionColumns =
        "s.id AS subscription_id, s.provider_id, s.level_id, s.niche_id, s.filters::text AS filters, s.status, lr.last_received_at";

    public async Task<IReadOnlyList<SubscriptionResponse>> Subscriptions(Guid providerId)
    {
        await using var connection = await db.OpenConnectionAsync();
        var rows = await connection.QueryAsync<SubscriptionRow>(
            $"""
            SELECT {SubscriptionColumns}
              FROM subscriptions s
              JOIN subscriptions_last_received(ARRAY(SELECT niche_id FROM subscriptions WHERE provider_id = @providerId)) lr ON lr.subscription_id = s.id
             WHERE s.provider_id = @providerId
             ORDER BY s.created_at, s.id
            """, new { providerId });
        return rows.Select(ToResponse).ToList();
    }

    /// <summary>A subscription of the workspace, or null (also when it belongs to another workspace).</summary>
    public async Task<SubscriptionResponse?> Subscription(Guid workspaceId, Guid subscriptionId)
    {
        await using var connection = await db.OpenConnectionAsync();
        var row = await connection.QuerySingleOrDefaultAsync<SubscriptionRow>($"""
            SELECT {SubscriptionColumns}
              FROM subscriptions s JOIN niches n ON n.id = s.niche_id
              JOIN subscriptions_last_received(ARRAY(SELECT niche_id FROM subscriptions WHERE id = @subscriptionId)) lr ON lr.subscription_id = s.id
             WHERE s.id = @subscriptionId AND n.workspace_id = @workspaceId
            """, new { workspaceId, subscriptionId });
        return row is null ? null : ToResponse(row);
    }

    /// <summary>The niche of a level of the workspace, or null.</summary>
    public async Task<Guid?> NicheOfLevel(Guid workspaceId, Guid levelId)
    {
        await using var connection = await db.OpenConnectionAsync();
        return await connection.QuerySingleOrDefaultAsync<Guid?>("""
            SELECT n.id FROM competition_levels l JOIN niches n ON n.id = l.niche_id
             WHERE l.id = @levelId AND n.workspace_id = @workspaceId
            """, new { workspaceId, levelId });
    }

    public async Task<LedgerPage> Ledger(Guid providerId, PageRequest page)
    {
        await using var connection = await db.OpenConnectionAsync();
        // An assignment is its own charge, so the ledger is the provider's entries and its assignments together.
        const string Entries = """
            SELECT id AS entry_id, kind, amount_cents, lead_id, assignment_id, created_at, balance_after_cents, reference
              FROM ledger_entries WHERE provider_id = @providerId
            UNION ALL
            SELECT id, 'charge', -price_cents, lead_id, id, assigned_at, balance_after_cents, NULL
              FROM lead_assignments WHERE provider_id = @providerId
            """;
        var total = await connection.ExecuteScalarAsync<long>($"SELECT count(*) FROM ({Entries}) e", new { providerId });
        var items = await connection.QueryAsync<LedgerEntryResponse>($"""
            {Entries}
             ORDER BY created_at DESC, entry_id DESC
             LIMIT @Limit OFFSET @Offset
            """, new { providerId, page.Limit, page.Offset });
        return new LedgerPage(items.ToList(), page.Page, page.Limit, total);
    }

    private static SubscriptionResponse ToResponse(SubscriptionRow row) => new(
        row.SubscriptionId, row.ProviderId, row.LevelId, row.NicheId,
        SubscriptionFilterJson.Parse(row.Filters),
        row.Status, row.LastReceivedAt);
}
