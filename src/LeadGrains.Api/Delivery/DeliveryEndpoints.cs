using LeadGrains.Abstractions.Delivery;
using LeadGrains.Api.Audit;
using LeadGrains.Api.Auth;
using LeadGrains.Api.Errors;
using LeadGrains.Api.Idempotency;
using LeadGrains.Api.Json;
using LeadGrains.Api.OpenApi;
using LeadGrains.Api.Paging;
using LeadGrains.Api.Providers;
using Microsoft.AspNetCore.Mvc;

namespace LeadGrains.Api.Delivery;

/// <summary>Lead deliveries (e-mail, webhook, SMS) as operators see and steer them, within the caller's workspace.</summary>
public static class DeliveryEndpoints
{
    public static void MapDeliveryEndpoints(this IEndpointRouteBuilder app)
    {
        var assignments = app.MapGroup("/api/v1/admin/assignments/{assignment_id}/deliveries").WithTags("Deliveries");
        assignments.MapGet("", OfAssignment).RequireAuthorization(Policies.Read)
            .Produces<AssignmentDeliveriesResponse>().WithQueryProblems().WithNotFound()
            .WithName("listAssignmentDeliveries")
            .WithSummary("The deliveries of an assignment: one per channel its provider has on, with state and attempts")
            .WithDescription("404 if the assignment is not in the caller's workspace. Empty while the delivery cursor has not reached a just-made assignment (well under a second).");
        assignments.MapPost("/resend", Resend).RequireAuthorization(Policies.Manage).Accepts<ResendRequest>("application/json")
            .WithMetadata(new IdempotentRequest(KeyRequired: true))
            .Produces<ResendResponse>(StatusCodes.Status202Accepted).WithBodyProblems().WithNotFound()
            .ProducesProblem(StatusCodes.Status409Conflict, Problems.ContentType)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity, Problems.ContentType)
            .WithName("resendAssignmentDeliveries")
            .WithSummary("Send an assignment's finished deliveries again (all channels, or one), under their own message ids")
            .WithDescription("Needs an Idempotency-Key (a repeat answers the same; the same key with another body is 422). Pending deliveries are left as they are. 404: no such assignment; 409: it has no delivery on that channel.");

        var deliveries = app.MapGroup("/api/v1/admin/deliveries").WithTags("Deliveries");
        deliveries.MapGet("/dead", Dead).RequireAuthorization(Policies.Read).Produces<DeadDeliveryPage>().WithQueryProblems()
            .WithName("listDeadDeliveries")
            .WithSummary("The delivery dead-letter list: deliveries given up (a permanent refusal, or not accepted within a day)")
            .WithDescription("Newest first; resolved=false (open) or true, both when absent. 400 for a bad page, limit or resolved value.");
        deliveries.MapGet("/endpoints", Endpoints).RequireAuthorization(Policies.Read).Produces<DeliveryEndpointsResponse>().WithAuthProblems()
            .WithName("listFailingDeliveryEndpoints")
            .WithSummary("Provider endpoints with failed tries since their last success; failing_since is set past the consecutive-failure threshold");
        deliveries.MapGet("/{delivery_id}", One).RequireAuthorization(Policies.Read).Produces<DeliveryResponse>().WithQueryProblems().WithNotFound()
            .WithName("getDelivery").WithSummary("One delivery").WithDescription("404 if it is not in the caller's workspace.");
        deliveries.MapGet("/{delivery_id}/attempts", Attempts).RequireAuthorization(Policies.Read)
            .Produces<DeliveryAttemptsResponse>().WithQueryProblems().WithNotFound()
            .WithName("listDeliveryAttempts")
            .WithSummary("A delivery's tries: when, how long, the receiver's status code and the error")
            .WithDescription("404 if the delivery is not in the caller's workspace.");
        deliveries.MapPost("/{delivery_id}/retry", Retry).RequireAuthorization(Policies.Operate)
            .Produces<DeliveryResponse>(StatusCodes.Status202Accepted).WithQueryProblems().WithNotFound()
            .ProducesProblem(StatusCodes.Status409Conflict, Problems.ContentType)
            .WithName("retryDeadDelivery")
            .WithSummary("Put a dead delivery back in line, with a fresh day to be accepted")
            .WithDescription("409 if the delivery is not dead or was resolved; 404 if it is not in the caller's workspace.");
        deliveries.MapPost("/{delivery_id}/resolve", Resolve).RequireAuthorization(Policies.Operate).Accepts<ResolveDeliveryRequest>("application/json")
            .Produces<DeliveryResponse>().WithBodyProblems().WithNotFound()
            .ProducesProblem(StatusCodes.Status409Conflict, Problems.ContentType)
            .WithName("resolveDeadDelivery")
            .WithSummary("Mark a dead delivery dealt with (it leaves the open dead-letter list)")
            .WithDescription("Resolving again answers the delivery as it stands. 409 if the delivery is not dead; 400 for a note over 2000 characters.");

        app.MapPost("/api/v1/admin/providers/{provider_id}/webhook/test", TestFire).WithTags("Providers").RequireAuthorization(Policies.Manage)
            .Produces<TestFireResponse>().WithQueryProblems().WithNotFound()
            .WithName("testFireProviderWebhook")
            .WithSummary("POST a signed webhook.test event to the provider's webhook URL now and report the answer")
            .WithDescription("Nothing is recorded or retried. outcome is accepted, retryable, permanent, or no_webhook when the provider has no URL.");
    }

    private static IDeliveryOperationsGrain Operations(HttpContext http, IGrainFactory grains) =>
        grains.GetGrain<IDeliveryOperationsGrain>(http.User.WorkspaceId());

    private static async Task<AssignmentDeliveriesResponse> OfAssignment(HttpContext http, DeliveryQueries queries, [FromRoute(Name = "assignment_id")] string assignmentId)
    {
        var id = Query.Id("assignment_id", assignmentId);
        return await queries.OfAssignment(http.User.WorkspaceId(), id, http.RequestAborted) is { } items
            ? new AssignmentDeliveriesResponse(id, items)
            : throw ApiProblemException.NotFound("assignment");
    }

    private static async Task<IResult> Resend(HttpContext http, IGrainFactory grains, AuditLog audit, [FromRoute(Name = "assignment_id")] string assignmentId)
    {
        var id = Query.Id("assignment_id", assignmentId);
        var channel = (await JsonBody.ReadOptional<ResendRequest>(http))?.Channel;
        var result = await Operations(http, grains).Resend(id, channel, http.User.Actor());
        switch (result.Outcome)
        {
            case ResendOutcome.AssignmentNotFound:
                throw ApiProblemException.NotFound("assignment");
            case ResendOutcome.NoDelivery:
                throw ApiProblemException.Conflict("The assignment has no delivery on that channel: its provider has the channel off, or the delivery is not made yet.");
        }
        await audit.Write(http.User.WorkspaceId(), http.User.Actor(), "delivery.resent", "assignment", id, new { channel, delivery_ids = result.DeliveryIds });
        return Results.Accepted($"/api/v1/admin/assignments/{id}/deliveries", new ResendResponse(id, result.DeliveryIds));
    }

    private static async Task<DeadDeliveryPage> Dead(HttpContext http, DeliveryQueries queries, string? page, string? limit, string? resolved)
    {
        var paging = Query.Page(page, limit);
        return await queries.Dead(http.User.WorkspaceId(), paging, Query.OptionalBool("resolved", resolved), http.RequestAborted);
    }

    private static async Task<DeliveryEndpointsResponse> Endpoints(HttpContext http, DeliveryQueries queries) =>
        new(await queries.Endpoints(http.User.WorkspaceId(), http.RequestAborted));

    private static async Task<DeliveryResponse> One(HttpContext http, DeliveryQueries queries, [FromRoute(Name = "delivery_id")] string deliveryId) =>
        await queries.One(http.User.WorkspaceId(), Query.Id("delivery_id", deliveryId), http.RequestAborted) ?? throw ApiProblemException.NotFound("delivery");

    private static async Task<DeliveryAttemptsResponse> Attempts(HttpContext http, DeliveryQueries queries, [FromRoute(Name = "delivery_id")] string deliveryId)
    {
        var id = Query.Id("delivery_id", deliveryId);
        return await queries.Attempts(http.User.WorkspaceId(), id, http.RequestAborted) is { } items
            ? new DeliveryAttemptsResponse(id, items)
            : throw ApiProblemException.NotFound("delivery");
    }

    private static async Task<IResult> Retry(HttpContext http, IGrainFactory grains, DeliveryQueries queries, AuditLog audit, [FromRoute(Name = "delivery_id")] string deliveryId)
    {
        var id = Query.Id("delivery_id", deliveryId);
        switch (await Operations(http, grains).Retry(id, http.User.Actor()))
        {
            case DeadDeliveryOutcome.NotFound:
                throw ApiProblemException.NotFound("delivery");
            case DeadDeliveryOutcome.NotOpen:
                throw ApiProblemException.Conflict("The delivery is not dead, or it was resolved.");
        }
        await audit.Write(http.User.WorkspaceId(), http.User.Actor(), "delivery.retried", "delivery", id);
        return Results.Accepted($"/api/v1/admin/deliveries/{id}", await queries.One(http.User.WorkspaceId(), id, http.RequestAborted));
    }

    private static async Task<DeliveryResponse> Resolve(HttpContext http, IGrainFactory grains, DeliveryQueries queries, AuditLog audit, [FromRoute(Name = "delivery_id")] string deliveryId)
    {
        var id = Query.Id("delivery_id", deliveryId);
        var note = (await JsonBody.ReadOptional<ResolveDeliveryRequest>(http))?.Note;
        if (note is { Length: > 2000 })
        {
            throw ApiProblemException.Validation("note", "must be at most 2000 characters.");
        }
        var outcome = await Operations(http, grains).Resolve(id, http.User.Actor(), note);
        var delivery = await queries.One(http.User.WorkspaceId(), id, http.RequestAborted) ?? throw ApiProblemException.NotFound("delivery");
        if (outcome == DeadDeliveryOutcome.NotOpen && delivery.State != "dead")
        {
            throw ApiProblemException.Conflict("The delivery is not dead.");
        }
        if (outcome == DeadDeliveryOutcome.Done)
        {
            await audit.Write(http.User.WorkspaceId(), http.User.Actor(), "delivery.resolved", "delivery", id, new { note });
        }
        return delivery;
    }

    private static async Task<TestFireResponse> TestFire(HttpContext http, IGrainFactory grains, [FromRoute(Name = "provider_id")] string providerId)
    {
        var provider = await ProviderEndpoints.Find(http, grains, providerId);
        return TestFireResponse.From(provider.ProviderId, await Operations(http, grains).TestFire(provider.ProviderId));
    }
}
