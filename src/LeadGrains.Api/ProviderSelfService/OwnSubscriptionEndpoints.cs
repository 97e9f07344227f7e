using LeadGrains.Abstractions.Niches;
using LeadGrains.Api.Audit;
using LeadGrains.Api.Auth;
using LeadGrains.Api.Errors;
using LeadGrains.Api.Json;
using LeadGrains.Api.OpenApi;
using LeadGrains.Api.Providers;
using Microsoft.AspNetCore.Mvc;

namespace LeadGrains.Api.ProviderSelfService;

/// <summary>A provider's own choice of its subscription's caps and delivery hours, within the admin's bounds.</summary>
public sealed record OwnControlsRequest(SubscriptionCapsSpec? Caps, IReadOnlyList<DeliveryWindowSpec>? DeliveryHours);

/// <summary>
/// A provider manages its own subscriptions: pauses and resumes them, and sets their caps, budgets and
/// delivery hours within the bounds its admin set. Another provider's subscription, or one of another
/// workspace, is answered as if it did not exist.
/// </summary>
public static class OwnSubscriptionEndpoints
{
    public static void MapOwnSubscriptionEndpoints(this IEndpointRouteBuilder app)
    {
        var own = app.MapGroup("/api/v1/provider/subscriptions/{subscription_id}").WithTags("Provider self-service").RequireAuthorization(Policies.Provider);
        own.MapGet("/controls", Get).WithName("getOwnSubscriptionControls")
            .WithSummary("The calling provider's subscription: status, caps, budgets, delivery hours, the admin's bounds and what it took in the current periods")
            .Produces<SubscriptionControlsView>().WithQueryProblems().WithNotFound();
        own.MapPut("/controls", Put).WithName("setOwnSubscriptionControls")
            .WithSummary("Set the calling provider's caps, budgets and delivery hours within the bounds the admin set")
            .WithDescription("Replaces caps and hours (left out or null: none, where the bounds allow it); 400 names each field outside the bounds, 409 when the admin set no bounds. The bounds stay as the admin set them. Repeating the same request changes nothing more.")
            .Accepts<OwnControlsRequest>("application/json")
            .Produces<SubscriptionControlsView>().WithBodyProblems().WithNotFound().ProducesProblem(StatusCodes.Status409Conflict, Problems.ContentType);
        own.MapPost("/pause", Pause).WithName("pauseOwnSubscription")
            .WithSummary("Pause the calling provider's subscription: it takes no leads until resumed")
            .WithDescription("Pausing a paused subscription changes nothing and answers the same.")
            .Produces<SubscriptionControlsView>().WithQueryProblems().WithNotFound();
        own.MapPost("/resume", Resume).WithName("resumeOwnSubscription")
            .WithSummary("Resume the calling provider's paused subscription")
            .WithDescription("Resuming an active subscription changes nothing and answers the same; 409 when it is paused for insufficient balance (a deposit resumes it).")
            .Produces<SubscriptionControlsView>().WithQueryProblems().WithNotFound().ProducesProblem(StatusCodes.Status409Conflict, Problems.ContentType);
    }

    private static async Task<SubscriptionControlsView> Get(
        HttpContext http, IGrainFactory grains, ProviderQueries queries, [FromRoute(Name = "subscription_id")] string subscriptionId)
    {
        var subscription = await Own(http, queries, subscriptionId);
        return await Controls(grains, subscription);
    }

    private static async Task<SubscriptionControlsView> Put(
        HttpContext http, IGrainFactory grains, ProviderQueries queries, AuditLog audit, [FromRoute(Name = "subscription_id")] string subscriptionId)
    {
        var body = await JsonBody.Read<OwnControlsRequest>(http);
        return await SetControls(http, grains, queries, audit, subscriptionId, body);
    }

    /// <summary>
    /// Sets the caller's own caps and hours within the admin's bounds (the niche grain refuses a value
    /// beyond them, changing nothing); the portal's form comes here too.
    /// </summary>
    internal static async Task<SubscriptionControlsView> SetControls(
        HttpContext http, IGrainFactory grains, ProviderQueries queries, AuditLog audit, string subscriptionId, OwnControlsRequest body)
    {
        var subscription = await Own(http, queries, subscriptionId);
        var before = await Controls(grains, subscription);
        if (before.ProviderBounds is null)
        {
            throw ApiProblemException.Conflict("The admin has not opened this subscription's caps and hours to its provider.");
        }
        var after = await grains.GetGrain<INicheGrain>(subscription.NicheId).SetOwnControls(subscription.SubscriptionId, body.Caps, body.DeliveryHours);
        await audit.Write(http.User.WorkspaceId(), http.User.Actor(), "subscription.controls_set", "subscription", subscription.SubscriptionId,
            new { before = SubscriptionControlsEndpoints.Settings(before), after = SubscriptionControlsEndpoints.Settings(after) });
        return after;
    }

    private static Task<SubscriptionControlsView> Pause(
        HttpContext http, IGrainFactory grains, ProviderQueries queries, AuditLog audit, [FromRoute(Name = "subscription_id")] string subscriptionId) =>
        SetStatus(http, grains, queries, audit, subscriptionId, "paused");

    private static Task<SubscriptionControlsView> Resume(
        HttpContext http, IGrainFactory grains, ProviderQueries queries, AuditLog audit, [FromRoute(Name = "subscription_id")] string subscriptionId) =>
        SetStatus(http, grains, queries, audit, subscriptionId, "active");

    /// <summary>Pauses (<c>paused</c>) or resumes (<c>active</c>) the caller's own subscription; the portal's buttons come here too.</summary>
    internal static async Task<SubscriptionControlsView> SetStatus(
        HttpContext http, IGrainFactory grains, ProviderQueries queries, AuditLog audit, string subscriptionId, string status)
    {
        var subscription = await Own(http, queries, subscriptionId);
        if (subscription.Status == status)
        {
            return await Controls(grains, subscription);
        }
        if (subscription.Status == "paused_insufficient_balance")
        {
            throw ApiProblemException.Conflict("The subscription is paused until the balance covers its price; a deposit resumes it.");
        }
        await grains.GetGrain<INicheGrain>(subscription.NicheId).UpdateSubscription(subscription.SubscriptionId, status, null);
        await audit.Write(http.User.WorkspaceId(), http.User.Actor(), status == "paused" ? "subscription.paused" : "subscription.resumed",
            "subscription", subscription.SubscriptionId, new { before = subscription.Status, after = status });
        return await Controls(grains, subscription);
    }

    /// <summary>The caller's own subscription in its workspace (404 otherwise).</summary>
    private static async Task<SubscriptionResponse> Own(HttpContext http, ProviderQueries queries, string subscriptionId)
    {
        var subscription = await SubscriptionControlsEndpoints.Find(http, queries, subscriptionId);
        return subscription.ProviderId == http.User.ProviderId() ? subscription : throw ApiProblemException.NotFound("subscription");
    }

    private static async Task<SubscriptionControlsView> Controls(IGrainFactory grains, SubscriptionResponse subscription) =>
        await grains.GetGrain<INicheGrain>(subscription.NicheId).GetControls(subscription.SubscriptionId)
            ?? throw ApiProblemException.NotFound("subscription");
}
