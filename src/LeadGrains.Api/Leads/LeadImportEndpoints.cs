using LeadGrains.Api.Audit;
using LeadGrains.Api.Auth;
using LeadGrains.Api.Errors;
using LeadGrains.Api.Hosting;
using LeadGrains.Api.OpenApi;
using LeadGrains.Api.RateLimiting;

namespace LeadGrains.Api.Leads;

public sealed record ImportRejectionResponse(long Line, string Reason);

public sealed record ImportResponse(int Accepted, int Duplicates, IReadOnlyList<ImportRejectionResponse> Rejected);

/// <summary>
/// Bulk intake within one request: a leads CSV (its columns: docs/API.md, "Lead import"), streamed row
/// by row into the lead grains, answered with the report. <see cref="LeadImportJobEndpoints"/> runs the
/// same file as a job instead.
/// </summary>
public static class LeadImportEndpoints
{
    /// <summary>Large enough for ~200,000 rows; the file is streamed, never held whole.</summary>
    public static readonly RequestBodyLimit CsvLimit = new(32 * 1024 * 1024);

    public static void MapLeadImportEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/admin/leads/import", Import).WithName("importLeads").WithSummary("Import leads from a CSV file, each as if submitted; answers a line-by-line report").WithTags("Leads")
            .RequireAuthorization(Policies.Manage).RequireRateLimiting(RateLimits.Intake).WithMetadata(CsvLimit)
            .Accepts<string>("text/csv").Produces<ImportResponse>().WithBodyProblems().WithRequestTimeout(RequestBounds.ImportPolicy);
    }

    private static async Task<ImportResponse> Import(HttpContext http, LeadCsvImport importer, AuditLog audit)
    {
        RequireCsv(http);
        var workspaceId = http.User.WorkspaceId();
        var report = await importer.Import(http.Request.Body, workspaceId, http.RequestAborted);
        await audit.Write(workspaceId, http.User.Actor(), "leads.imported", "workspace", workspaceId,
            new { report.Accepted, report.Duplicates, rejected = report.Rejected.Count });
        return new ImportResponse(report.Accepted, report.Duplicates, report.Rejected.Select(r => new ImportRejectionResponse(r.Line, r.Reason)).ToList());
    }

    /// <summary>Both imports take the file as the body, typed text/csv (415 otherwise).</summary>
    internal static void RequireCsv(HttpContext http)
    {
        if (!string.Equals(http.Request.ContentType?.Split(';')[0].Trim(), "text/csv", StringComparison.OrdinalIgnoreCase))
        {
            throw new ApiProblemException(StatusCodes.Status415UnsupportedMediaType, "The request body must be text/csv.");
        }
    }
}
