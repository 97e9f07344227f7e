using LeadGrains.Abstractions.Niches;
using LeadGrains.Api.Audit;
using LeadGrains.Api.Auth;
using LeadGrains.Api.Errors;
using LeadGrains.Api.Json;
using LeadGrains.Api.OpenApi;
using LeadGrains.Api.Paging;
using Microsoft.AspNetCore.Mvc;

namespace LeadGrains.Api.Providers;

/// <summary>A provider's subscriptions to competition levels; the level's niche grain owns them.</summary>
public static class SubscriptionEndpoints
{
    public static void MapSubscriptionEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/admin/providers/{provider_id}/subscriptions", Create).WithName("createSubscription").WithSummary("Subscribe a provider to a level of a niche, with its filters").WithTags("Providers")
            .RequireAuthorization(Policies.Manage).Accepts<CreateSubscriptionRequest>("application/json")
            .Produces<SubscriptionResponse>(StatusCodes.Status201Created).WithBodyProblems().WithNotFound();
        app.MapPatch("/api/v1/admin/subscriptions/{subscription_id}", Update).WithName("updateSubscription").WithSummary("Pause or resume a subscription, or change its filters").WithTags("Providers")
            .RequireAuthorization(Policies.Manage).Accepts<UpdateSubscriptionRequest>("application/json")
            .Produces<SubscriptionResponse>().WithBodyProblems().WithNotFound();
    }

    private static async Task<IResult> Create(
        HttpContext http, IGrainFactory grains, ProviderQueries queries, AuditLog audit, [FromRoute(Name = "provider_id")] string providerId)
    {
        var provider = await ProviderEndpoints.Find(http, grains, providerId);
        var body = await JsonBody.Read<CreateSubscriptionRequest>(http);
        var levelId = body.LevelId ?? throw ApiProblemException.Validation("level_id", "is required.");
        var nicheId = await queries.NicheOfLevel(provider.WorkspaceId, levelId)
            ?? throw ApiProblemException.Validation("level_id", "does not name a competition level of this workspace.");
        var view = await grains.GetGrain<INicheGrain>(nicheId).Subscribe(provider.ProviderId, levelId, body.Filters ?? SubscriptionFilters.None);
        var subscription = SubscriptionResponse.From(view);
        await audit.Write(provider.WorkspaceId, http.User.Actor(), "subscription.created", "subscription", subscription.SubscriptionId, new { after = subscription });
        return Results.Created($"/api/v1/admin/subscriptions/{subscription.SubscriptionId}", subscription);
    }

    private static async Task<SubscriptionResponse> Update(
        HttpContext http, IGrainFactory grains, ProviderQueries queries, AuditLog audit, [FromRoute(Name = "subscription_id")] string subscriptionId)
    {
        var id = Query.Id("subscription_id", subscriptionId);
        var workspaceId = http.User.WorkspaceId();
        var before = await queries.Subscription(workspaceId, id) ?? throw ApiProblemException.NotFound("subscription");
        var body = await JsonBody.Read<UpdateSubscriptionRequest>(http);
        body.Check();
        var after = SubscriptionResponse.From(await grains.GetGrain<INicheGrain>(before.NicheId).UpdateSubscription(id, body.Status, body.Filters));
        await audit.Write(workspaceId, http.User.Actor(), "subscription.updated", "subscription", id,
            new { change = new Change<SubscriptionResponse>(before, after) });
        return after;
    }
}
