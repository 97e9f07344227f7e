using LeadGrains.Abstractions.Leads;
using LeadGrains.Api.Auth;
using LeadGrains.Api.Errors;
using LeadGrains.Api.Leads;
using LeadGrains.Api.OpenApi;
using LeadGrains.Api.Paging;
using Microsoft.AspNetCore.Mvc;

namespace LeadGrains.Api.Distribution;

/// <summary>The seed's distribution endpoints: trigger, status, assignments.</summary>
public static class DistributionEndpoints
{
    public static void MapDistributionEndpoints(this IEndpointRouteBuilder app)
    {
        var leads = app.MapGroup("/api/v1/admin/leads/{lead_id}").WithTags("Distribution");
        leads.MapPost("/distribute", Distribute).WithName("distributeLead").WithSummary("Distribute an approved lead now and answer its result (idempotent: a distributed lead answers its stored result)").RequireAuthorization(Policies.Manage)
            .Produces<DistributeResponse>(StatusCodes.Status202Accepted).Produces<DistributeResponse>()
            .WithQueryProblems().WithNotFound();
        leads.MapGet("/distribution-status", Status).WithName("getDistributionStatus").WithSummary("A lead's distribution status: its latest attempt, assignments made, traversal and skips").RequireAuthorization(Policies.Read)
            .Produces<DistributionStatusResponse>().WithQueryProblems().WithNotFound();
        leads.MapGet("/assignments", Assignments).WithName("listLeadAssignments").WithSummary("The providers a lead was assigned to, with level and price").RequireAuthorization(Policies.Read)
            .Produces<LeadAssignmentPage>().WithQueryProblems().WithNotFound();
    }

    /// <summary>
    /// Queues a distribution of an approved or failed lead (the lead grain audits it and the queue runs
    /// it, with retries); a lead already distributed answers 200 and nothing new happens.
    /// </summary>
    private static async Task<IResult> Distribute(HttpContext http, IGrainFactory grains, [FromRoute(Name = "lead_id")] string leadId)
    {
        var lead = await LeadEndpoints.Find(http, grains, leadId);
        var result = await lead.QueueDistribution(http.User.Actor());
        var id = lead.GetPrimaryKey();
        return result switch
        {
            { Outcome: LeadCommandOutcome.NotFound } => throw ApiProblemException.NotFound("lead"),
            { Outcome: LeadCommandOutcome.InvalidTransition } =>
                throw ApiProblemException.Validation("lead_id", $"The lead is {result.Status}; only approved or failed leads are distributed."),
            { DistributionQueued: true } => Results.Accepted($"/api/v1/admin/leads/{id}/distribution-status",
                new DistributeResponse(id, "queued", "Distribution job queued successfully")),
            _ => Results.Ok(new DistributeResponse(id, "completed", $"The lead is already {result.Status}; no new distribution was queued.")),
        };
    }

    private static async Task<DistributionStatusResponse> Status(HttpContext http, DistributionQueries queries, [FromRoute(Name = "lead_id")] string leadId) =>
        await queries.Status(http.User.WorkspaceId(), Query.Id("lead_id", leadId), http.RequestAborted) ?? throw ApiProblemException.NotFound("lead");

    private static async Task<LeadAssignmentPage> Assignments(
        HttpContext http, LeadQueries leads, DistributionQueries queries, [FromRoute(Name = "lead_id")] string leadId, string? page, string? limit)
    {
        var id = Query.Id("lead_id", leadId);
        var paging = Query.Page(page, limit);
        return await leads.Exists(http.User.WorkspaceId(), id, http.RequestAborted) ? await queries.Assignments(id, paging, http.RequestAborted) : throw ApiProblemException.NotFound("lead");
    }
}
