using LeadGrains.Api.Auth;
using LeadGrains.Api.Errors;
using LeadGrains.Api.OpenApi;
using LeadGrains.Api.Paging;

namespace LeadGrains.Api.Audit;

/// <summary>The workspace's audit log: every admin change, approval, distribution and dead-lettering, with its actor.</summary>
public static class AuditEndpoints
{
    private const int MaxFilterLength = 200;

    public static void MapAuditEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/admin/audit", List).WithTags("Audit")
            .WithName("listAuditEntries")
            .WithSummary("Audit rows of the caller's workspace, newest first, filtered by action, actor, target, lead and period (cursor pagination).")
            .RequireAuthorization(Policies.Read).Produces<AuditPage>().WithQueryProblems();
    }

    private static Task<AuditPage> List(
        HttpContext http, AuditQueries queries, string? action, string? actor, string? target_type, string? target_id,
        string? lead_id, string? from, string? to, string? cursor, string? limit)
    {
        var filter = new AuditQueries.Filter(
            Text("action", action), Text("actor", actor), Text("target_type", target_type), Text("target_id", target_id),
            Query.OptionalId("lead_id", lead_id), TimeRange.Parse(from, to));
        return queries.List(http.User.WorkspaceId(), filter, IdCursor.Decode(cursor), Query.Limit(limit), http.RequestAborted);
    }

    private static string? Text(string field, string? value) => value switch
    {
        null or "" => null,
        { Length: > MaxFilterLength } => throw ApiProblemException.Validation(field, $"must be at most {MaxFilterLength} characters."),
        _ => value,
    };
}
