using LeadGrains.Abstractions.Queues;
using LeadGrains.Api.Auth;
using LeadGrains.Api.Errors;
using LeadGrains.Api.Json;
using LeadGrains.Api.OpenApi;
using LeadGrains.Api.Paging;
using Microsoft.AspNetCore.Mvc;

namespace LeadGrains.Api.Queues;

/// <summary>The distribution queue and its dead letters, as the caller's workspace sees them.</summary>
public static class QueueEndpoints
{
    public static void MapQueueEndpoints(this IEndpointRouteBuilder app)
    {
        var queues = app.MapGroup("/api/v1/admin/queues").WithTags("Queues");
        queues.MapGet("", Status).WithName("getQueueStatus").WithSummary("The distribution queue: depth, leads in flight, failed attempts in the last hour, dead-letter size").RequireAuthorization(Policies.Read).Produces<QueuesResponse>().WithAuthProblems();
        queues.MapGet("/dlq", List).WithName("listDeadLetters").WithSummary("The dead-letter queue's entries, open or resolved (cursor pagination)").RequireAuthorization(Policies.Read).Produces<DeadLetterPageResponse>().WithQueryProblems();
        queues.MapGet("/dlq/{id}", Get).WithName("getDeadLetter").WithSummary("One dead-letter entry with its payload, error and attempts").RequireAuthorization(Policies.Read).Produces<DeadLetterDetail>().WithQueryProblems().WithNotFound();
        queues.MapPost("/dlq/{id}/retry", Retry).WithName("retryDeadLetter").WithSummary("Give a dead-lettered lead a fresh round of distribution attempts").RequireAuthorization(Policies.Operate)
            .Produces<RetryResponse>(StatusCodes.Status202Accepted).WithQueryProblems().WithNotFound()
            .ProducesProblem(StatusCodes.Status409Conflict, Problems.ContentType);
        queues.MapPost("/dlq/{id}/resolve", Resolve).WithName("resolveDeadLetter").WithSummary("Mark a dead-letter entry resolved, with a note").RequireAuthorization(Policies.Operate).Accepts<ResolveRequest>("application/json")
            .Produces<DeadLetterDetail>().WithBodyProblems().WithNotFound();
    }

    private static IDeadLetterQueueGrain Queue(HttpContext http, IGrainFactory grains) =>
        grains.GetGrain<IDeadLetterQueueGrain>(http.User.WorkspaceId());

    private static async Task<QueuesResponse> Status(HttpContext http, IGrainFactory grains)
    {
        var status = await Queue(http, grains).Status(http.RequestAborted);
        return new QueuesResponse([new QueueResponse(status.Name, status.Depth, status.Active, status.FailedLastHour, status.DlqSize)]);
    }

    private static async Task<DeadLetterPageResponse> List(HttpContext http, IGrainFactory grains, string? page, string? limit, string? resolved)
    {
        var paging = Query.Page(page, limit);
        var list = await Queue(http, grains).List(paging.Page, paging.Limit, Query.OptionalBool("resolved", resolved), http.RequestAborted);
        return new DeadLetterPageResponse(list.Items.Select(DeadLetterSummary.From).ToList(), list.Page, list.Limit, list.Total);
    }

    private static async Task<DeadLetterDetail> Get(HttpContext http, IGrainFactory grains, [FromRoute(Name = "id")] string id) =>
        await Queue(http, grains).Get(Query.Id("id", id), http.RequestAborted) is { } entry ? DeadLetterDetail.From(entry) : throw ApiProblemException.NotFound("dead-letter entry");

    private static async Task<IResult> Retry(HttpContext http, IGrainFactory grains, [FromRoute(Name = "id")] string id)
    {
        var result = await Queue(http, grains).Retry(Query.Id("id", id), http.User.Actor());
        return result.Outcome switch
        {
            DeadLetterOutcome.Done => Results.Accepted(null, new RetryResponse(result.Entry!.Id, result.Entry.JobId)),
            DeadLetterOutcome.AlreadyResolved => throw ApiProblemException.Conflict("The dead-letter entry is already resolved."),
            _ => throw ApiProblemException.NotFound("dead-letter entry"),
        };
    }

    /// <summary>Resolving is idempotent: an entry resolved before answers as it stands.</summary>
    private static async Task<DeadLetterDetail> Resolve(HttpContext http, IGrainFactory grains, [FromRoute(Name = "id")] string id)
    {
        var entryId = Query.Id("id", id);
        var note = (await JsonBody.ReadOptional<ResolveRequest>(http))?.Note;
        if (note is { Length: > 2000 })
        {
            throw ApiProblemException.Validation("note", "must be at most 2000 characters.");
        }
        var result = await Queue(http, grains).Resolve(entryId, http.User.Actor(), note);
        return result.Entry is { } entry && result.Outcome != DeadLetterOutcome.NotFound
            ? DeadLetterDetail.From(entry)
            : throw ApiProblemException.NotFound("dead-letter entry");
    }
}
