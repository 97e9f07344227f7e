using LeadGrains.Api.Auth;
using LeadGrains.Api.Errors;
using LeadGrains.Api.Json;
using LeadGrains.Api.OpenApi;
using LeadGrains.Api.Paging;
using Microsoft.AspNetCore.Mvc;

namespace LeadGrains.Api.Routing;

/// <summary>Platform operators: the routing dead letters (inspect, retry, resolve), a submission's routing log, and volume reports.</summary>
public static class RoutingOperationsEndpoints
{
    private static readonly TimeSpan DefaultPeriod = TimeSpan.FromDays(7);
    private static readonly TimeSpan MaxPeriod = TimeSpan.FromDays(93);

    public static void MapRoutingOperationsEndpoints(this IEndpointRouteBuilder app)
    {
        var routing = app.MapGroup("/api/v1/platform/routing").WithTags("Routing");
        routing.MapGet("/dead-letters", DeadLetters).WithName("listRoutingDeadLetters")
            .WithSummary("Routing submissions whose attempts ran out (no matching rule, a closed destination, errors), most recent first")
            .RequireAuthorization(Policies.PlatformRead).Produces<RoutingDeadLetterPage>().WithQueryProblems();
        routing.MapPost("/dead-letters/{submission_id}/retry", Retry).WithName("retryRoutingDeadLetter")
            .WithSummary("Give a dead-lettered submission a fresh round of attempts, starting now (to the destination it was bound for, if any)")
            .RequireAuthorization(Policies.PlatformOperate).Produces<RoutingActionResponse>().WithQueryProblems().WithNotFound()
            .ProducesProblem(StatusCodes.Status409Conflict, Problems.ContentType);
        routing.MapPost("/dead-letters/{submission_id}/resolve", Resolve).WithName("resolveRoutingDeadLetter")
            .WithSummary("Close a dead-lettered submission by hand, with a note; its lead data is erased")
            .RequireAuthorization(Policies.PlatformOperate).Accepts<ResolveRoutingRequest>("application/json").Produces<RoutingActionResponse>()
            .WithBodyProblems().WithNotFound().ProducesProblem(StatusCodes.Status409Conflict, Problems.ContentType);
        routing.MapGet("/submissions/{submission_id}/log", Log).WithName("getRoutingLog")
            .WithSummary("A submission's routing log: every attempt with its outcome, matched rule or why none, destination, rules evaluated and duration, and operator actions")
            .RequireAuthorization(Policies.PlatformRead).Produces<RoutingLogResponse>().WithQueryProblems().WithNotFound();
        routing.MapGet("/reports/volume", Volume).WithName("reportRoutingVolume")
            .WithSummary("Submissions received in a period (default the last 7 days, at most 93) by source, rule or destination workspace, with how they ended")
            .RequireAuthorization(Policies.PlatformRead).Produces<RoutingVolumeReport>().WithQueryProblems();
    }

    private static async Task<RoutingDeadLetterPage> DeadLetters(HttpContext http, RoutingQueries queries, string? cursor, string? limit) =>
        await queries.DeadLetters(Cursor.Decode(cursor), Query.Limit(limit), http.RequestAborted);

    private static Task<RoutingActionResponse> Retry(HttpContext http, RoutingRuleStore store, TimeProvider clock,
        [FromRoute(Name = "submission_id")] string submissionId) =>
        Operate(http, store, clock, "retry", submissionId, null);

    private static async Task<RoutingActionResponse> Resolve(HttpContext http, RoutingRuleStore store, TimeProvider clock,
        [FromRoute(Name = "submission_id")] string submissionId)
    {
        var note = (await JsonBody.Read<ResolveRoutingRequest>(http)).Note?.Trim();
        if (note is not { Length: >= 1 and <= 1000 })
        {
            throw ApiProblemException.Validation("note", "is required, at most 1000 characters.");
        }
        return await Operate(http, store, clock, "resolve", submissionId, note);
    }

    private static async Task<RoutingActionResponse> Operate(HttpContext http, RoutingRuleStore store, TimeProvider clock, string action, string submissionId, string? note)
    {
        var id = Query.Id("submission_id", submissionId);
        var status = await store.Operate(action, id, http.User.Actor(), note, clock.GetUtcNow(), http.RequestAborted);
        return status switch
        {
            "not_found" => throw ApiProblemException.NotFound("submission"),
            _ when status.StartsWith("refused:", StringComparison.Ordinal) =>
                throw ApiProblemException.Conflict($"The submission is {status["refused:".Length..]}; only a dead-lettered one can be {action}d."),
            _ => new RoutingActionResponse(id, status),
        };
    }

    private static async Task<RoutingLogResponse> Log(HttpContext http, RoutingQueries queries, [FromRoute(Name = "submission_id")] string submissionId)
    {
        var id = Query.Id("submission_id", submissionId);
        var submission = await queries.Find(id, http.RequestAborted) ?? throw ApiProblemException.NotFound("submission");
        return new RoutingLogResponse(submission, await queries.Log(id, http.RequestAborted));
    }

    private static async Task<RoutingVolumeReport> Volume(HttpContext http, RoutingQueries queries, TimeProvider clock, string? by, string? from, string? to)
    {
        var grouping = by ?? "source";
        if (grouping is not ("source" or "rule" or "destination"))
        {
            throw ApiProblemException.Validation("by", "must be source, rule or destination.");
        }
        var (start, end) = TimeRange.Parse(from, to).Bounded(clock.GetUtcNow(), DefaultPeriod, MaxPeriod);
        return new RoutingVolumeReport(grouping, start, end, await queries.Volume(grouping, start, end, http.RequestAborted));
    }
}
