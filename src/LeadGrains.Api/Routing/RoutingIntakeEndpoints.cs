using LeadGrains.Abstractions.Routing;
using LeadGrains.Api.Auth;
using LeadGrains.Api.Errors;
using LeadGrains.Api.Json;
using LeadGrains.Api.OpenApi;
using LeadGrains.Api.Paging;
using LeadGrains.Api.RateLimiting;
using LeadGrains.Domain.Leads;
using Microsoft.AspNetCore.Mvc;

namespace LeadGrains.Api.Routing;

/// <summary>
/// A source (a partner workspace, or a platform source client) submits leads to the platform for
/// routing and reads their outcomes: its own submissions only, and never where they went.
/// </summary>
public static class RoutingIntakeEndpoints
{
    public static void MapRoutingIntakeEndpoints(this IEndpointRouteBuilder app)
    {
        var routing = app.MapGroup("/api/v1/routing/leads").WithTags("Routing").RequireAuthorization(Policies.RoutingIntake);
        routing.MapPost("", Submit).WithName("routeLead")
            .WithSummary("Submit a lead to the platform for routing: validated, deduplicated across partners, matched to the highest-priority rule and moved into its destination (or retried)")
            .RequireRateLimiting(RateLimits.Intake).Accepts<RouteLeadRequest>("application/json")
            .Produces<RoutingSubmissionResponse>(StatusCodes.Status202Accepted).WithBodyProblems()
            .ProducesProblem(StatusCodes.Status409Conflict, Problems.ContentType)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity, Problems.ContentType);
        routing.MapGet("", List).WithName("listRoutedLeads")
            .WithSummary("The caller's own routing submissions, newest first, filtered by status (cursor pagination)")
            .Produces<RoutingSubmissionPage>().WithQueryProblems();
        routing.MapGet("/{submission_id}", Get).WithName("getRoutedLead")
            .WithSummary("One of the caller's routing submissions: status, attempts, next attempt and why the last one did not route it")
            .Produces<RoutingSubmissionResponse>().WithQueryProblems().WithNotFound();
    }

    private static async Task<IResult> Submit(HttpContext http, IGrainFactory grains, RoutingQueries queries)
    {
        var source = Source(http);
        var request = (await JsonBody.Read<RouteLeadRequest>(http)).ToRequest(source);
        var submissionId = LeadIds.ForRoutingSubmission(source.Kind, source.Id, request.SourceReference);
        var view = await grains.GetGrain<IRoutingGrain>(submissionId).Submit(request);
        if (view.Errors.Count > 0)
        {
            throw ApiProblemException.Validation(view.Errors);
        }
        var stored = await queries.OfSource(source.Kind, source.Id, submissionId, http.RequestAborted) ?? throw ApiProblemException.NotFound("submission");
        return Results.Accepted($"/api/v1/routing/leads/{submissionId}", stored);
    }

    private static async Task<RoutingSubmissionPage> List(HttpContext http, RoutingQueries queries, string? status, string? cursor, string? limit)
    {
        var source = Source(http);
        return await queries.ListOfSource(source.Kind, source.Id, RoutingStatuses.Parse(status), Cursor.Decode(cursor), Query.Limit(limit), http.RequestAborted);
    }

    private static async Task<RoutingSubmissionResponse> Get(HttpContext http, RoutingQueries queries, [FromRoute(Name = "submission_id")] string submissionId)
    {
        var source = Source(http);
        return await queries.OfSource(source.Kind, source.Id, Query.Id("submission_id", submissionId), http.RequestAborted)
            ?? throw ApiProblemException.NotFound("submission");
    }

    private static RoutingSource Source(HttpContext http) =>
        http.User.RoutingSource() ?? throw new ApiProblemException(StatusCodes.Status403Forbidden, "The token speaks for no routing source.");
}
