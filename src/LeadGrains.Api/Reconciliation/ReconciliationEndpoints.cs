using LeadGrains.Api.Audit;
using LeadGrains.Api.Auth;
using LeadGrains.Api.Jobs;
using LeadGrains.Api.OpenApi;
using LeadGrains.Api.Paging;
using LeadGrains.Abstractions.Jobs;

namespace LeadGrains.Api.Reconciliation;

/// <summary>
/// The ledger reconciliation's result as an operator reads it: when it last ran, what it said, and
/// the discrepancies it recorded (audit rows <c>ledger.discrepancy</c>) for the caller's workspace.
/// </summary>
public static class ReconciliationEndpoints
{
    private const string JobName = "ledger-reconciliation";

    public static void MapReconciliationEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/admin/reconciliation", Result).WithTags("Jobs")
            .WithName("getReconciliation")
            .WithSummary("The ledger reconciliation's last run and the discrepancies it reported for this workspace (cursor pagination).")
            .RequireAuthorization(Policies.Read).Produces<ReconciliationResponse>().WithQueryProblems();
    }

    private static async Task<ReconciliationResponse> Result(
        HttpContext http, JobSchedules schedules, AuditQueries audit, IGrainFactory grains, string? cursor, string? limit)
    {
        var page = await audit.List(http.User.WorkspaceId(),
            new AuditQueries.Filter("ledger.discrepancy", null, null, null, null, new TimeRange(null, null)), IdCursor.Decode(cursor), Query.Limit(limit), http.RequestAborted);
        var schedule = (await schedules.All(http.RequestAborted)).FirstOrDefault(s => s.Name == JobName);
        var job = schedule is null
            ? null
            : JobResponse.From(schedule, await grains.GetGrain<IScheduledJobGrain>(JobName).GetStatus(), schedules.Now);
        var discrepancies = page.Items.Select(entry => new Discrepancy(
            entry.Id, Text(entry, "invariant"), entry.TargetId ?? "", Text(entry, "detail"), entry.CreatedAt)).ToList();
        return new ReconciliationResponse(job, discrepancies, page.NextCursor);
    }

    private static string Text(AuditEntry entry, string property) =>
        entry.Metadata.TryGetProperty(property, out var value) ? value.ToString() : "";
}
