using LeadGrains.Abstractions.Providers;
using LeadGrains.Abstractions.Returns;
using LeadGrains.Api.Auth;
using LeadGrains.Api.Errors;
using LeadGrains.Api.Idempotency;
using LeadGrains.Api.Json;
using LeadGrains.Api.OpenApi;
using LeadGrains.Api.Paging;
using LeadGrains.Api.Returns;
using Microsoft.AspNetCore.Mvc;

namespace LeadGrains.Api.ProviderSelfService;

/// <summary>A provider returns its own bad leads and follows its requests; it sees no other provider's.</summary>
public static class ProviderReturnEndpoints
{
    public static void MapProviderReturnEndpoints(this IEndpointRouteBuilder app)
    {
        var me = app.MapGroup("/api/v1/provider/returns").WithTags("Provider self-service").RequireAuthorization(Policies.Provider);
        me.MapGet("/rules", Rules).WithName("getOwnReturnRules")
            .WithSummary("What the calling provider may return: the reasons to choose from and the window (hours after the assignment)")
            .Produces<ProviderReturnRulesResponse>().WithAuthProblems().WithNotFound();
        me.MapPost("", Request).WithName("requestOwnReturn").Accepts<CreateReturnRequest>("application/json")
            .WithMetadata(new IdempotentRequest(KeyRequired: false))
            .WithSummary("Return one of the calling provider's leads, with a reason of the workspace's list and a note")
            .WithDescription("201 with the return: pending review, or approved and refunded at once when the workspace auto-approves within the provider's return-rate limit. 404 for an assignment that is not the caller's; 409 when the return window has closed or the lead was returned before. Idempotency-Key optional.")
            .Produces<ProviderReturnResponse>(StatusCodes.Status201Created).WithBodyProblems().WithNotFound()
            .ProducesProblem(StatusCodes.Status409Conflict, Problems.ContentType)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity, Problems.ContentType);
        me.MapGet("/{return_id}", Get).WithName("getOwnReturn")
            .WithSummary("One of the calling provider's returns")
            .Produces<ProviderReturnResponse>().WithQueryProblems().WithNotFound();
        me.MapGet("", List).WithName("listOwnReturns")
            .WithSummary("The calling provider's returns and their status, newest first (keyset pagination)")
            .Produces<ProviderReturnPage>().WithQueryProblems().WithNotFound();
    }

    private static async Task<ProviderReturnRulesResponse> Rules(HttpContext http, IGrainFactory grains)
    {
        var provider = await ProviderSelfServiceEndpoints.Self(http, grains);
        var policy = await grains.GetGrain<IReturnPolicyGrain>(provider.WorkspaceId).Get(http.RequestAborted);
        return new ProviderReturnRulesResponse(policy.WindowHours, policy.Reasons);
    }

    private static async Task<IResult> Request(HttpContext http, IGrainFactory grains)
    {
        var request = await JsonBody.Read<CreateReturnRequest>(http);
        if (request.AssignmentId is not { } assignmentId)
        {
            throw ApiProblemException.Validation("assignment_id", "is required.");
        }
        var provider = await ProviderSelfServiceEndpoints.Self(http, grains);
        var result = await grains.GetGrain<IProviderGrain>(provider.ProviderId).RequestReturn(
            new ReturnRequestCommand(assignmentId, request.Reason, request.Note, http.User.Actor()));
        return result.Outcome switch
        {
            ReturnRequestOutcome.AssignmentNotFound => throw ApiProblemException.NotFound("assignment"),
            ReturnRequestOutcome.WindowClosed => throw ApiProblemException.Conflict(
                $"The return window of this assignment closed at {result.WindowEndsAt:O}."),
            ReturnRequestOutcome.AlreadyRequested => throw ApiProblemException.Conflict(
                $"This assignment was returned before (return {result.Return!.ReturnId}, {result.Return.Status})."),
            _ => Results.Created($"/api/v1/provider/returns/{result.Return!.ReturnId}", ProviderReturnResponse.From(result.Return)),
        };
    }

    private static async Task<ProviderReturnResponse> Get(HttpContext http, IGrainFactory grains, ReturnQueries queries, [FromRoute(Name = "return_id")] string returnId)
    {
        var id = Query.Id("return_id", returnId);
        var provider = await ProviderSelfServiceEndpoints.Self(http, grains);
        var found = await queries.Find(provider.WorkspaceId, id);
        return found is not null && found.ProviderId == provider.ProviderId ? ProviderReturnResponse.From(found) : throw ApiProblemException.NotFound("return");
    }

    private static async Task<ProviderReturnPage> List(HttpContext http, IGrainFactory grains, ReturnQueries queries, string? cursor, string? limit)
    {
        var after = Cursor.Decode(cursor);
        var take = Query.Limit(limit);
        var provider = await ProviderSelfServiceEndpoints.Self(http, grains);
        var (items, next) = await queries.List(provider.WorkspaceId, provider.ProviderId, null, after, take);
        return new ProviderReturnPage(items.Select(ProviderReturnResponse.From).ToList(), next);
    }
}
