using LeadGrains.Api.Auth;
using LeadGrains.Api.Errors;
using LeadGrains.Api.OpenApi;

namespace LeadGrains.Api.Reports;

/// <summary>Returned leads per provider, per niche or per reason: JSON, or CSV with <c>format=csv</c>, like the other reports.</summary>
public static class ReturnReportEndpoints
{
    public static void MapReturnReportEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/admin/reports/returns", Report).WithTags("Reports").WithName("reportReturns")
            .WithSummary("Returned leads requested in [from, to) per provider, niche or reason (by=): requested, pending, approved, rejected and refunded cents; format=csv streams it as CSV.")
            .RequireAuthorization(Policies.Read).Produces(StatusCodes.Status200OK, typeof(ReturnReport), "application/json", "text/csv").WithQueryProblems();
    }

    private static async Task<IResult> Report(
        HttpContext http, ReturnReportQueries queries, TimeProvider clock, string? by, string? from, string? to, string? niche_id, string? format)
    {
        var grouping = by ?? "provider";
        if (!ReturnReportQueries.Groupings.ContainsKey(grouping))
        {
            throw ApiProblemException.Validation("by", "must be provider, niche or reason.");
        }
        var (period, csv) = ReportEndpoints.Parse(clock, from, to, niche_id, format);
        var rows = queries.By(grouping, http.User.WorkspaceId(), period);
        if (csv)
        {
            // Names are free text: the CSV carries the keys (ids or reason codes), which need no quoting.
            return ReportEndpoints.Csv($"leadgrains-returns-by-{grouping}.csv", "key,requested,pending,approved,rejected,refunded_cents",
                rows.Select(r => string.Join(',', r.Key, r.Requested, r.Pending, r.Approved, r.Rejected, r.RefundedCents)));
        }
        return Results.Ok(new ReturnReport(period.From.UtcDateTime, period.To.UtcDateTime, grouping, await rows.ToListAsync()));
    }
}
