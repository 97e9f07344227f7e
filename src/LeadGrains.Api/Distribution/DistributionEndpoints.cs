using LeadGrains.Abstractions.Leads;
using LeadGrains.Api.Audit;
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
        leads.MapPost("/distribute", Distribute).RequireAuthorization(Policies.Manage)
            .Produces<DistributeResponse>(StatusCodes.Status202Accepted).Produces<DistributeResponse>()
            .WithQueryProblems().WithNotFound();
        leads.MapGet("/distribution-status", Status).RequireAuthorization(Policies.Read)
            .Produces<DistributionStatusResponse>().WithQueryProblems().WithNotFound();
        leads.MapGet("/assignments", Assignments).RequireAuthorization(Policies.Read)
            .Produces<LeadAssignmentPage>().WithQueryProblems().WithNotFound();
    }

    /// <summary>
    /// Approved or failed leads are handed to their grain, which distributes them on the silo
    /// whether or not this request is still there; the answer does not wait for it.
    /// </summary>
    private static async Task<IResult> Distribute(
        HttpContext http, IGrainFactory grains, AuditLog audit, ILoggerFactory loggers, [FromRoute(Name = "lead_id")] string leadId)
    {
        var lead = await LeadEndpoints.Find(http, grains, leadId);
        var view = (await lead.Get())!;
        if (LeadStatus.IsDistributionTerminal(view.Status))
        {
            return Results.Ok(new DistributeResponse(view.LeadId, "completed", $"The lead is already {view.Status}; nothing was queued."));
        }
        if (view.Status is not (LeadStatus.Approved or LeadStatus.Failed))
        {
            throw ApiProblemException.Validation("lead_id", $"The lead is {view.Status}; only approved or failed leads are distributed.");
        }
        var actor = http.User.Actor();
        await audit.Write(view.WorkspaceId, actor, "distribution.requested", "lead", view.LeadId, new { lead_status = view.Status }, view.LeadId);
        _ = lead.Distribute(actor).ContinueWith(
            failed => loggers.CreateLogger(typeof(DistributionEndpoints)).LogWarning(failed.Exception, "Requested distribution of lead {LeadId} failed", view.LeadId),
            CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        return Results.Accepted($"/api/v1/admin/leads/{view.LeadId}/distribution-status",
            new DistributeResponse(view.LeadId, "queued", "Distribution job queued successfully"));
    }

    private static async Task<DistributionStatusResponse> Status(HttpContext http, DistributionQueries queries, [FromRoute(Name = "lead_id")] string leadId) =>
        await queries.Status(http.User.WorkspaceId(), Query.Id("lead_id", leadId)) ?? throw ApiProblemException.NotFound("lead");

    private static async Task<LeadAssignmentPage> Assignments(
        HttpContext http, LeadQueries leads, DistributionQueries queries, [FromRoute(Name = "lead_id")] string leadId, string? page, string? limit)
    {
        var id = Query.Id("lead_id", leadId);
        var paging = Query.Page(page, limit);
        return await leads.Exists(http.User.WorkspaceId(), id) ? await queries.Assignments(id, paging) : throw ApiProblemException.NotFound("lead");
    }
}
