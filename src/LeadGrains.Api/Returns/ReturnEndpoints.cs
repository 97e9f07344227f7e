using LeadGrains.Abstractions.Returns;
using LeadGrains.Api.Auth;
using LeadGrains.Api.Errors;
using LeadGrains.Api.Idempotency;
using LeadGrains.Api.Json;
using LeadGrains.Api.OpenApi;
using LeadGrains.Api.Paging;
using LeadGrains.Domain.Returns;
using Microsoft.AspNetCore.Mvc;
using LeadGrains.Abstractions.Providers;

namespace LeadGrains.Api.Returns;

/// <summary>
/// Bad-lead returns for admins: the workspace's return rules, the returns providers asked for, and
/// their approval (which refunds the assignment's price, once) or rejection.
/// </summary>
public static class ReturnEndpoints
{
    private static readonly string[] Statuses = ["pending", "approved", "rejected"];

    public static void MapReturnEndpoints(this IEndpointRouteBuilder app)
    {
        var returns = app.MapGroup("/api/v1/admin/returns").WithTags("Returns");
        returns.MapGet("/policy", GetPolicy).WithName("getReturnPolicy").RequireAuthorization(Policies.Read)
            .WithSummary("The workspace's return rules: window, reasons, auto-approval and the return-rate limit (defaults until set)")
            .Produces<ReturnPolicyResponse>().WithAuthProblems();
        returns.MapPut("/policy", SetPolicy).WithName("setReturnPolicy").RequireAuthorization(Policies.Manage).Accepts<ReturnPolicyRequest>("application/json")
            .WithSummary("Replace the workspace's return rules (every field required)")
            .WithDescription("400 names each bad field: window_hours and rate_period_hours 1-8760, 1-50 distinct reason codes (a-z, 0-9, _), auto_approve_max_returns 0-100000, auto_approve_max_rate_percent 0-100.")
            .Produces<ReturnPolicyResponse>().WithBodyProblems();
        returns.MapGet("", List).WithName("listReturns").RequireAuthorization(Policies.Read)
            .WithSummary("The workspace's returns, newest first (keyset pagination; filter by status and provider_id)")
            .Produces<ReturnPage>().WithQueryProblems();
        returns.MapGet("/{return_id}", Get).WithName("getReturn").RequireAuthorization(Policies.Read)
            .WithSummary("One return").Produces<ReturnResponse>().WithQueryProblems().WithNotFound();
        returns.MapPost("/{return_id}/approve", Approve).WithName("approveReturn").RequireAuthorization(Policies.Manage).Accepts<DecideReturnRequest>("application/json")
            .WithMetadata(new IdempotentRequest(KeyRequired: false))
            .WithSummary("Approve a return: its assignment's price is refunded to the provider once, however often it is approved")
            .WithDescription("Approving an approved return answers 200 with the same refund and moves no money; a rejected one is 409. Idempotency-Key optional.")
            .Produces<ReturnDecisionResponse>().WithBodyProblems().WithNotFound()
            .ProducesProblem(StatusCodes.Status409Conflict, Problems.ContentType)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity, Problems.ContentType);
        returns.MapPost("/{return_id}/reject", Reject).WithName("rejectReturn").RequireAuthorization(Policies.Manage).Accepts<DecideReturnRequest>("application/json")
            .WithSummary("Reject a pending return; nothing is refunded")
            .WithDescription("Rejecting a rejected return answers 200 again; an approved one is 409.")
            .Produces<ReturnDecisionResponse>().WithBodyProblems().WithNotFound()
            .ProducesProblem(StatusCodes.Status409Conflict, Problems.ContentType);
    }

    private static async Task<ReturnPolicyResponse> GetPolicy(HttpContext http, IGrainFactory grains) =>
        ReturnPolicyResponse.From(await grains.GetGrain<IReturnPolicyGrain>(http.User.WorkspaceId()).Get(http.RequestAborted));

    private static async Task<ReturnPolicyResponse> SetPolicy(HttpContext http, IGrainFactory grains)
    {
        var request = await JsonBody.Read<ReturnPolicyRequest>(http);
        var errors = ReturnValidation.CheckRules(request.WindowHours, request.Reasons, request.AutoApprove, request.AutoApproveMaxReturns,
            request.AutoApproveMaxRatePercent, request.RatePeriodHours);
        if (errors.Count > 0)
        {
            throw ApiProblemException.Validation(errors);
        }
        var policy = new ReturnPolicy(request.WindowHours!.Value, request.Reasons!, request.AutoApprove!.Value, request.AutoApproveMaxReturns!.Value,
            request.AutoApproveMaxRatePercent!.Value, request.RatePeriodHours!.Value);
        return ReturnPolicyResponse.From(await grains.GetGrain<IReturnPolicyGrain>(http.User.WorkspaceId()).Set(policy, http.User.Actor()));
    }

    private static async Task<ReturnPage> List(HttpContext http, ReturnQueries queries, string? status, string? provider_id, string? cursor, string? limit)
    {
        if (status is not null && !Statuses.Contains(status))
        {
            throw ApiProblemException.Validation("status", "must be pending, approved or rejected.");
        }
        var providerId = Query.OptionalId("provider_id", provider_id);
        var after = Cursor.Decode(cursor);
        var take = Query.Limit(limit);
        var (items, next) = await queries.List(http.User.WorkspaceId(), providerId, status, after, take);
        return new ReturnPage(items.Select(ReturnResponse.From).ToList(), next);
    }

    private static async Task<ReturnResponse> Get(HttpContext http, ReturnQueries queries, [FromRoute(Name = "return_id")] string returnId) =>
        ReturnResponse.From(await Find(http, queries, returnId));

    private static Task<ReturnDecisionResponse> Approve(HttpContext http, IGrainFactory grains, ReturnQueries queries, [FromRoute(Name = "return_id")] string returnId) =>
        Decide(http, grains, queries, returnId, approve: true);

    private static Task<ReturnDecisionResponse> Reject(HttpContext http, IGrainFactory grains, ReturnQueries queries, [FromRoute(Name = "return_id")] string returnId) =>
        Decide(http, grains, queries, returnId, approve: false);

    private static async Task<ReturnDecisionResponse> Decide(HttpContext http, IGrainFactory grains, ReturnQueries queries, string returnId, bool approve)
    {
        var current = await Find(http, queries, returnId);
        var request = await JsonBody.ReadOptional<DecideReturnRequest>(http);
        // The provider's grain decides: the refund changes its balance, which its niches must learn of.
        var result = await grains.GetGrain<IProviderGrain>(current.ProviderId).DecideReturn(
            new ReturnDecisionCommand(current.ReturnId, approve, request?.Note, http.User.Actor()));
        return result.Outcome switch
        {
            ReturnDecisionOutcome.ReturnNotFound => throw ApiProblemException.NotFound("return"),
            ReturnDecisionOutcome.AlreadyRejected when approve => throw ApiProblemException.Conflict("The return was rejected: it cannot be approved."),
            ReturnDecisionOutcome.AlreadyApproved when !approve => throw ApiProblemException.Conflict("The return was approved and refunded: it cannot be rejected."),
            _ => new ReturnDecisionResponse(ReturnResponse.From(result.Return!), result.BalanceCents),
        };
    }

    /// <summary>The return, if it exists in the caller's workspace (otherwise 404).</summary>
    private static async Task<ReturnView> Find(HttpContext http, ReturnQueries queries, string returnId) =>
        await queries.Find(http.User.WorkspaceId(), Query.Id("return_id", returnId)) ?? throw ApiProblemException.NotFound("return");
}
