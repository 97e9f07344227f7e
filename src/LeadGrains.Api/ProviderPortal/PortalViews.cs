using Dapper;
using LeadGrains.Abstractions.Niches;
using LeadGrains.Abstractions.Providers;
using LeadGrains.Abstractions.Returns;
using LeadGrains.Api.Delivery;
using LeadGrains.Api.Paging;
using LeadGrains.Api.Providers;
using LeadGrains.Api.Returns;
using Npgsql;

namespace LeadGrains.Api.ProviderPortal;

/// <summary>What the portal shows one provider: its own data only, read through the same grains and queries as the self-service API.</summary>
public sealed class PortalViews(
    NpgsqlDataSource db, IGrainFactory grains, ProviderQueries providers, DeliveryQueries deliveries, ReturnQueries returns)
{
    private const int Recent = 50;

    /// <summary>A lead the provider bought, with its contact and how its return stands.</summary>
    public sealed record Lead(
        Guid AssignmentId, Guid LeadId, string NicheName, string LevelName, long PriceCents, DateTime AssignedAt,
        string FirstName, string LastName, string Email, string Phone, string? ReturnStatus);

    /// <summary>A subscription as the provider knows it: by niche and level name, with its caps, hours and the admin's bounds.</summary>
    public sealed record Subscription(
        Guid SubscriptionId, string NicheName, string LevelName, long PriceCents, string Status, string States, DateTime? LastReceivedAt,
        SubscriptionControlsView? Controls);

    public sealed record Overview(
        ProviderView Provider, IReadOnlyList<Lead> Leads, LedgerPage Ledger, IReadOnlyList<DeliveryResponse> Deliveries,
        IReadOnlyList<ReturnView> Returns, IReadOnlyList<Subscription> Subscriptions, ReturnPolicy Rules);

    /// <summary>The provider's overview, or null if the provider does not exist in <paramref name="workspaceId"/>.</summary>
    public async Task<Overview?> Load(Guid workspaceId, Guid providerId, CancellationToken cancellationToken)
    {
        var provider = await grains.GetGrain<IProviderGrain>(providerId).Get();
        if (provider is null || provider.WorkspaceId != workspaceId)
        {
            return null;
        }
        var subscriptions = await providers.Subscriptions(providerId);
        var names = await LevelNames(subscriptions.Select(s => s.LevelId).ToArray());
        return new Overview(
            provider,
            await Leads(providerId),
            await providers.Ledger(providerId, new PageRequest(1, Recent)),
            (await deliveries.OfProvider(providerId, null, Recent, cancellationToken)).Items,
            (await returns.List(workspaceId, providerId, null, null, Recent)).Items,
            await Task.WhenAll(subscriptions.Select(async s => new Subscription(s.SubscriptionId, names[s.LevelId].Niche, names[s.LevelId].Level,
                names[s.LevelId].PriceCents, s.Status, s.Filters.States is { Count: > 0 } states ? string.Join(", ", states) : "all", s.LastReceivedAt,
                await grains.GetGrain<INicheGrain>(s.NicheId).GetControls(s.SubscriptionId)))),
            await grains.GetGrain<IReturnPolicyGrain>(workspaceId).Get(cancellationToken));
    }

    private async Task<IReadOnlyList<Lead>> Leads(Guid providerId)
    {
        await using var connection = await db.OpenConnectionAsync();
        var rows = await connection.QueryAsync<Lead>("""
            SELECT a.id AS assignment_id, a.lead_id, n.name AS niche_name, l.name AS level_name, a.price_cents, a.assigned_at,
                   d.first_name, d.last_name, d.email, d.phone, r.status AS return_status
              FROM lead_assignments a
              JOIN competition_levels l ON l.id = a.level_id
              JOIN niches n ON n.id = a.niche_id
              JOIN leads d ON d.id = a.lead_id
              LEFT JOIN lead_returns r ON r.assignment_id = a.id
             WHERE a.provider_id = @providerId
             ORDER BY a.assigned_at DESC, a.id DESC
             LIMIT @Recent
            """, new { providerId, Recent });
        return rows.ToList();
    }

    private async Task<IReadOnlyDictionary<Guid, (string Niche, string Level, long PriceCents)>> LevelNames(Guid[] levelIds)
    {
        await using var connection = await db.OpenConnectionAsync();
        var rows = await connection.QueryAsync<(Guid LevelId, string Niche, string Level, long PriceCents)>("""
            SELECT l.id, n.name, l.name, l.price_cents FROM competition_levels l JOIN niches n ON n.id = l.niche_id WHERE l.id = ANY(@levelIds)
            """, new { levelIds });
        return rows.ToDictionary(r => r.LevelId, r => (r.Niche, r.Level, r.PriceCents));
    }
}
