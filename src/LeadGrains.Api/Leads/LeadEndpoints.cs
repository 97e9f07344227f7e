using LeadGrains.Abstractions.Leads;
using LeadGrains.Api.Auth;
using LeadGrains.Api.Errors;
using LeadGrains.Api.Idempotency;
using LeadGrains.Api.Json;
using LeadGrains.Api.OpenApi;
using LeadGrains.Api.Paging;
using LeadGrains.Api.RateLimiting;
using LeadGrains.Domain.Leads;
using Microsoft.AspNetCore.Mvc;

namespace LeadGrains.Api.Leads;

/// <summary>Lead intake, the lead pages and the approve/reject decisions.</summary>
public static class LeadEndpoints
{
    public static void MapLeadEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/leads", Submit).WithName("submitLead").WithSummary("Submit a lead (the approval service): validated, deduplicated and stored pending").WithTags("Leads")
            .RequireAuthorization(Policies.Intake).RequireRateLimiting(RateLimits.Intake)
            .WithMetadata(new IdempotentRequest(KeyRequired: false)).Accepts<SubmitLeadRequest>("application/json")
            .Produces<SubmitLeadResponse>(StatusCodes.Status201Created).WithBodyProblems()
            .ProducesProblem(StatusCodes.Status409Conflict, Problems.ContentType)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity, Problems.ContentType);

        var leads = app.MapGroup("/api/v1/admin/leads").WithTags("Leads");
        leads.MapGet("", List).WithName("listLeads").WithSummary("The workspace's leads, newest first, filtered by status and niche (cursor pagination)").RequireAuthorization(Policies.Read).Produces<LeadPage>().WithQueryProblems();
        leads.MapGet("/{lead_id}", Get).WithName("getLead").WithSummary("One lead with its contact data, status and distribution attempts").RequireAuthorization(Policies.Read).Produces<LeadDetail>().WithQueryProblems().WithNotFound();
        leads.MapPost("/{lead_id}/approve", Approve).WithName("approveLead").WithSummary("Approve a pending lead; with auto-distribution on it is distributed next").RequireAuthorization(Policies.Manage)
            .Produces<ApproveLeadResponse>().WithQueryProblems().WithNotFound().ProducesProblem(StatusCodes.Status409Conflict, Problems.ContentType);
        leads.MapPost("/{lead_id}/reject", Reject).WithName("rejectLead").WithSummary("Reject a pending lead with a reason").RequireAuthorization(Policies.Manage).Accepts<RejectLeadRequest>("application/json")
            .Produces<RejectLeadResponse>().WithBodyProblems().WithNotFound().ProducesProblem(StatusCodes.Status409Conflict, Problems.ContentType);
    }

    private static async Task<IResult> Submit(HttpContext http, IGrainFactory grains, LeadQueries leads, TimeProvider clock)
    {
        var workspaceId = http.User.WorkspaceId();
        var submission = (await JsonBody.Read<SubmitLeadRequest>(http)).ToSubmission(workspaceId);
        var leadId = await LeadIdFor(leads, clock, workspaceId, http.Request.Headers[IdempotencyMiddleware.Header].ToString(), http.RequestAborted);
        SubmitResult result;
        using (NicheHint.For(submission.NicheId))
        {
            result = await grains.GetGrain<ILeadGrain>(leadId).Submit(submission);
        }
        if (result.Outcome == SubmitOutcome.Invalid)
        {
            throw ApiProblemException.Validation(result.Errors);
        }
        return Results.Created($"/api/v1/admin/leads/{leadId}", new SubmitLeadResponse(leadId, result.Status, result.DuplicateOf));
    }

    private static async Task<LeadPage> List(HttpContext http, LeadQueries queries, string? status, string? niche_id, string? cursor, string? limit) =>
        await queries.List(http.User.WorkspaceId(), LeadStatuses.Parse(status), Query.OptionalId("niche_id", niche_id), Cursor.Decode(cursor), Query.Limit(limit), http.RequestAborted);

    private static async Task<LeadDetail> Get(HttpContext http, LeadQueries queries, [FromRoute(Name = "lead_id")] string leadId) =>
        await queries.Detail(http.User.WorkspaceId(), Query.Id("lead_id", leadId), http.RequestAborted) ?? throw ApiProblemException.NotFound("lead");

    private static async Task<ApproveLeadResponse> Approve(HttpContext http, IGrainFactory grains, [FromRoute(Name = "lead_id")] string leadId)
    {
        var lead = await Find(http, grains, leadId);
        var result = await lead.Approve(http.User.Actor());
        Require(result, "approved");
        return new ApproveLeadResponse(lead.GetPrimaryKey(), result.Status, result.DistributionQueued ? "queued" : "manual");
    }

    private static async Task<RejectLeadResponse> Reject(HttpContext http, IGrainFactory grains, [FromRoute(Name = "lead_id")] string leadId)
    {
        var lead = await Find(http, grains, leadId);
        var reason = (await JsonBody.Read<RejectLeadRequest>(http)).Checked();
        var result = await lead.Reject(reason, http.User.Actor());
        Require(result, "rejected");
        return new RejectLeadResponse(lead.GetPrimaryKey(), result.Status);
    }

    private static void Require(LeadCommandResult result, string verb)
    {
        switch (result.Outcome)
        {
            case LeadCommandOutcome.NotFound:
                throw ApiProblemException.NotFound("lead");
            case LeadCommandOutcome.InvalidTransition:
                throw ApiProblemException.Conflict($"The lead is {result.Status}; only a pending lead can be {verb}.");
        }
    }

    /// <summary>The lead's grain, if the lead exists in the caller's workspace (otherwise 404).</summary>
    internal static async Task<ILeadGrain> Find(HttpContext http, IGrainFactory grains, string leadId)
    {
        var lead = grains.GetGrain<ILeadGrain>(Query.Id("lead_id", leadId));
        var view = await lead.Get();
        return view is not null && view.WorkspaceId == http.User.WorkspaceId() ? lead : throw ApiProblemException.NotFound("lead");
    }

    /// <summary>
    /// A new lead's id. With an Idempotency-Key it is derived from (workspace, key), so even a
    /// retry that slips past the key store reaches the same lead grain, which recognizes it. Once
    /// the key store has forgotten the key (its retention), the key is free to be used again: a lead
    /// it named before then is not this request's, so the key's next generation names a new lead.
    /// </summary>
    private static async Task<Guid> LeadIdFor(LeadQueries leads, TimeProvider clock, Guid workspaceId, string idempotencyKey, CancellationToken cancellationToken)
    {
        if (idempotencyKey.Length == 0)
        {
            return Guid.CreateVersion7();
        }
        var forgottenBefore = clock.GetUtcNow() - IdempotencyKeyRetention.Period;
        for (var generation = 0; ; generation++)
        {
            var leadId = LeadIds.ForIdempotencyKey(workspaceId, idempotencyKey, generation);
            if (await leads.CreatedAt(leadId, cancellationToken) is not { } createdAt || createdAt >= forgottenBefore)
            {
                return leadId;
            }
        }
    }
}
