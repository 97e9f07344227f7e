using LeadGrains.Abstractions.Leads;
using LeadGrains.Api.Audit;
using LeadGrains.Api.Auth;
using LeadGrains.Api.Errors;
using LeadGrains.Api.Hosting;
using LeadGrains.Api.OpenApi;
using LeadGrains.Api.Paging;
using LeadGrains.Api.RateLimiting;
using Microsoft.AspNetCore.Mvc;

namespace LeadGrains.Api.Leads;

/// <summary>
/// Import as a job: the upload is parsed and stored, answered at once (202) with the import's id,
/// and submitted by the import's grain in the background; GET shows rows done of the total, the
/// counts and the rejected lines so far, and the final report once completed.
/// </summary>
public static class LeadImportJobEndpoints
{
    public static void MapLeadImportJobEndpoints(this IEndpointRouteBuilder app)
    {
        var imports = app.MapGroup("/api/v1/admin/lead-imports").WithTags("Leads");
        imports.MapPost("", Create).WithName("startLeadImport").WithSummary("Start an import job from a CSV file; answers at once with the job to follow")
            .RequireAuthorization(Policies.Manage).RequireRateLimiting(RateLimits.Intake).WithMetadata(LeadImportEndpoints.CsvLimit)
            .Accepts<string>("text/csv").Produces<LeadImportResponse>(StatusCodes.Status202Accepted).WithBodyProblems()
            .WithRequestTimeout(RequestBounds.ImportPolicy);
        imports.MapGet("/{import_id}", Get).WithName("getLeadImport").WithSummary("An import job: its progress, counts and rejected lines")
            .RequireAuthorization(Policies.Read).Produces<LeadImportResponse>().WithQueryProblems().WithNotFound();
    }

    private static async Task<IResult> Create(HttpContext http, LeadImportUploads uploads, LeadImportQueries queries, IGrainFactory grains,
        AuditLog audit, TimeProvider clock)
    {
        LeadImportEndpoints.RequireCsv(http);
        var workspaceId = http.User.WorkspaceId();
        var upload = await uploads.Store(http.Request.Body, workspaceId, http.User.Actor(), clock.GetUtcNow(), http.RequestAborted);
        await audit.Write(workspaceId, http.User.Actor(), "leads.import_started", "lead_import", upload.ImportId,
            new { upload.TotalRows, rejected_while_parsing = upload.RejectedRows });
        await grains.GetGrain<ILeadImportGrain>(upload.ImportId).Start();
        return Results.Accepted($"/api/v1/admin/lead-imports/{upload.ImportId}", await queries.Get(workspaceId, upload.ImportId, http.RequestAborted));
    }

    private static async Task<LeadImportResponse> Get(HttpContext http, LeadImportQueries queries, [FromRoute(Name = "import_id")] string importId) =>
        await queries.Get(http.User.WorkspaceId(), Query.Id("import_id", importId), http.RequestAborted)
        ?? throw ApiProblemException.NotFound("lead import");
}
