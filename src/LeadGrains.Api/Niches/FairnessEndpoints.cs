using LeadGrains.Api.Auth;
using LeadGrains.Api.Errors;
using LeadGrains.Api.OpenApi;
using LeadGrains.Api.Paging;
using Microsoft.AspNetCore.Mvc;

namespace LeadGrains.Api.Niches;

/// <summary>How evenly each level of a niche shared its leads over a period.</summary>
public static class FairnessEndpoints
{
    private static readonly TimeSpan DefaultPeriod = TimeSpan.FromDays(1);
    private static readonly TimeSpan MaxPeriod = TimeSpan.FromDays(31);

    public static void MapFairnessEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/admin/niches/{niche_id}/fairness", Report).WithTags("Niches")
            .WithName("getNicheFairness")
            .WithSummary("Per level: assignments per provider, max − min spread and Jain's index over [from, to) (default: the last 24 h; at most 31 days).")
            .RequireAuthorization(Policies.Read).Produces<FairnessReport>().WithQueryProblems().WithNotFound();
    }

    private static async Task<FairnessReport> Report(
        HttpContext http, FairnessQueries queries, TimeProvider clock, [FromRoute(Name = "niche_id")] string nicheId, string? from, string? to)
    {
        var id = Query.Id("niche_id", nicheId);
        var (start, end) = TimeRange.Parse(from, to).Bounded(clock.GetUtcNow(), DefaultPeriod, MaxPeriod);
        return await queries.Report(http.User.WorkspaceId(), id, start, end, http.RequestAborted) ?? throw ApiProblemException.NotFound("niche");
    }
}
