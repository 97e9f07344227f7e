using LeadGrains.Abstractions.Niches;
using LeadGrains.Abstractions.Providers;
using LeadGrains.Api.Audit;
using LeadGrains.Api.Auth;
using LeadGrains.Api.Errors;
using LeadGrains.Api.Json;
using LeadGrains.Api.OpenApi;
using LeadGrains.Api.Paging;
using Microsoft.AspNetCore.Mvc;

namespace LeadGrains.Api.Providers;

/// <summary>A provider's time zone.</summary>
public sealed record TimeZoneRequest(string? TimeZone);

public sealed record TimeZoneResponse(Guid ProviderId, string TimeZone);

/// <summary>
/// The buyers' controls an admin sets: a subscription's caps, budgets and delivery hours, the bounds
/// its provider may change them within, and the provider's time zone they count in. The
/// subscription's niche grain owns them.
/// </summary>
public static class SubscriptionControlsEndpoints
{
    public static void MapSubscriptionControlsEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/admin/subscriptions/{subscription_id}/controls", Get).WithTags("Providers")
            .WithName("getSubscriptionControls").WithSummary("A subscription's caps, budgets, delivery hours, provider bounds and what it took in the current periods")
            .RequireAuthorization(Policies.Read).Produces<SubscriptionControlsView>().WithQueryProblems().WithNotFound();
        app.MapPut("/api/v1/admin/subscriptions/{subscription_id}/controls", Put).WithTags("Providers")
            .WithName("setSubscriptionControls").WithSummary("Set a subscription's caps, budgets, delivery hours and the bounds its provider may change them within")
            .WithDescription("Replaces all of them (a field left out or null: no cap, any hours, no provider bounds). Caps count in the provider's time zone; what the subscription took so far in the current day, week and month counts against new caps. Repeating the same request changes nothing more.")
            .RequireAuthorization(Policies.Manage).Accepts<SubscriptionControlsSpec>("application/json")
            .Produces<SubscriptionControlsView>().WithBodyProblems().WithNotFound();
        app.MapPut("/api/v1/admin/providers/{provider_id}/time-zone", PutTimeZone).WithTags("Providers")
            .WithName("setProviderTimeZone").WithSummary("Set the IANA time zone a provider's caps, budgets and delivery hours count in")
            .WithDescription("Its capped subscriptions' current periods are counted afresh in the new zone.")
            .RequireAuthorization(Policies.Manage).Accepts<TimeZoneRequest>("application/json")
            .Produces<TimeZoneResponse>().WithBodyProblems().WithNotFound();
    }

    private static async Task<SubscriptionControlsView> Get(
        HttpContext http, IGrainFactory grains, ProviderQueries queries, [FromRoute(Name = "subscription_id")] string subscriptionId)
    {
        var subscription = await Find(http, queries, subscriptionId);
        return await grains.GetGrain<INicheGrain>(subscription.NicheId).GetControls(subscription.SubscriptionId)
            ?? throw ApiProblemException.NotFound("subscription");
    }

    private static async Task<SubscriptionControlsView> Put(
        HttpContext http, IGrainFactory grains, ProviderQueries queries, AuditLog audit, [FromRoute(Name = "subscription_id")] string subscriptionId)
    {
        var subscription = await Find(http, queries, subscriptionId);
        var body = await JsonBody.Read<SubscriptionControlsSpec>(http);
        var niche = grains.GetGrain<INicheGrain>(subscription.NicheId);
        var before = await niche.GetControls(subscription.SubscriptionId);
        var after = await niche.SetControls(subscription.SubscriptionId, body);
        await audit.Write(http.User.WorkspaceId(), http.User.Actor(), "subscription.controls_set", "subscription", subscription.SubscriptionId,
            new { before = before is null ? null : Settings(before), after = Settings(after) });
        return after;
    }

    private static async Task<TimeZoneResponse> PutTimeZone(
        HttpContext http, IGrainFactory grains, AuditLog audit, [FromRoute(Name = "provider_id")] string providerId)
    {
        var provider = await ProviderEndpoints.Find(http, grains, providerId);
        var body = await JsonBody.Read<TimeZoneRequest>(http);
        var zone = body.TimeZone ?? throw ApiProblemException.Validation("time_zone", "is required.");
        var set = await grains.GetGrain<IProviderGrain>(provider.ProviderId).SetTimeZone(provider.WorkspaceId, zone);
        await audit.Write(provider.WorkspaceId, http.User.Actor(), "provider.time_zone_set", "provider", provider.ProviderId, new { time_zone = set });
        return new TimeZoneResponse(provider.ProviderId, set);
    }

    /// <summary>The workspace's subscription of that id (404 otherwise, also for another workspace's).</summary>
    internal static async Task<SubscriptionResponse> Find(HttpContext http, ProviderQueries queries, string subscriptionId) =>
        await queries.Subscription(http.User.WorkspaceId(), Query.Id("subscription_id", subscriptionId))
            ?? throw ApiProblemException.NotFound("subscription");

    /// <summary>What an audit entry keeps of the controls: the settings, not the counts of the moment.</summary>
    internal static object Settings(SubscriptionControlsView view) => new { view.Caps, view.DeliveryHours, view.ProviderBounds };
}
