using LeadGrains.Abstractions.Providers;
using LeadGrains.Api.Auth;
using LeadGrains.Api.Delivery;
using LeadGrains.Api.Errors;
using LeadGrains.Api.Leads;
using LeadGrains.Api.OpenApi;
using LeadGrains.Api.Paging;
using LeadGrains.Api.Providers;

namespace LeadGrains.Api.ProviderSelfService;

public sealed record ProviderMeResponse(Guid ProviderId, string Name, long BalanceCents, string Status, IReadOnlyList<SubscriptionResponse> Subscriptions);

/// <summary>An assignment as its provider sees it, with the lead's contact data (what the provider paid for).</summary>
public sealed record ProviderAssignmentResponse(
    Guid AssignmentId, Guid LeadId, Guid NicheId, string LevelName, long PriceChargedCents, DateTime AssignedAt, ContactResponse Contact);

public sealed record ProviderDeliveryPage(IReadOnlyList<DeliveryResponse> Items, string? NextCursor);

public sealed record ProviderAssignmentPage(IReadOnlyList<ProviderAssignmentResponse> Items, string? NextCursor);

/// <summary>A provider's own view: its balance, subscriptions, assignments and ledger, nothing else.</summary>
public static class ProviderSelfServiceEndpoints
{
    public static void MapProviderSelfServiceEndpoints(this IEndpointRouteBuilder app)
    {
        var me = app.MapGroup("/api/v1/provider").WithTags("Provider self-service").RequireAuthorization(Policies.Provider);
        me.MapGet("/me", Me).WithName("getOwnProvider").WithSummary("The calling provider's own profile and balance").Produces<ProviderMeResponse>().WithAuthProblems().WithNotFound();
        me.MapGet("/assignments", Assignments).WithName("listOwnAssignments").WithSummary("The calling provider's leads, with contact data, newest first").Produces<ProviderAssignmentPage>().WithQueryProblems().WithNotFound();
        me.MapGet("/deliveries", Deliveries).Produces<ProviderDeliveryPage>().WithQueryProblems().WithNotFound()
            .WithName("listOwnDeliveries")
            .WithSummary("The calling provider's own deliveries (channel, state, attempts), newest first")
            .WithDescription("Keyset-paged by next_cursor; 400 for a bad cursor or limit.");
        me.MapGet("/ledger", Ledger).WithName("listOwnLedger").WithSummary("The calling provider's deposits and charges, newest first").Produces<LedgerPage>().WithQueryProblems().WithNotFound();
    }

    private static async Task<ProviderMeResponse> Me(HttpContext http, IGrainFactory grains, ProviderQueries queries)
    {
        var provider = await Self(http, grains);
        return new ProviderMeResponse(provider.ProviderId, provider.Name, provider.BalanceCents, provider.Status, await queries.Subscriptions(provider.ProviderId));
    }

    private static async Task<ProviderDeliveryPage> Deliveries(HttpContext http, IGrainFactory grains, DeliveryQueries queries, string? cursor, string? limit)
    {
        var after = Cursor.Decode(cursor);
        var take = Query.Limit(limit);
        var provider = await Self(http, grains);
        var (items, next) = await queries.OfProvider(provider.ProviderId, after, take, http.RequestAborted);
        return new ProviderDeliveryPage(items, next);
    }

    private static async Task<ProviderAssignmentPage> Assignments(HttpContext http, IGrainFactory grains, ProviderAssignmentQueries queries, string? cursor, string? limit)
    {
        var after = Cursor.Decode(cursor);
        var take = Query.Limit(limit);
        var provider = await Self(http, grains);
        return await queries.Page(provider.ProviderId, after, take, http.RequestAborted);
    }

    private static async Task<LedgerPage> Ledger(HttpContext http, IGrainFactory grains, ProviderQueries queries, string? page, string? limit)
    {
        var paging = Query.Page(page, limit);
        var provider = await Self(http, grains);
        return await queries.Ledger(provider.ProviderId, paging);
    }

    /// <summary>The token's provider, if it exists in the token's workspace (otherwise 404).</summary>
    private static async Task<ProviderView> Self(HttpContext http, IGrainFactory grains)
    {
        var provider = await grains.GetGrain<IProviderGrain>(http.User.ProviderId()).Get();
        return provider is not null && provider.WorkspaceId == http.User.WorkspaceId() ? provider : throw ApiProblemException.NotFound("provider");
    }
}
