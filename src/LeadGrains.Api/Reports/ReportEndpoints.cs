using System.Globalization;
using System.Text;
using LeadGrains.Api.Auth;
using LeadGrains.Api.Errors;
using LeadGrains.Api.OpenApi;
using LeadGrains.Api.Paging;

namespace LeadGrains.Api.Reports;

/// <summary>
/// Reports per niche and day, and per provider, level and day: JSON by default, a streamed CSV with
/// <c>format=csv</c> (rows are written as the database returns them).
/// </summary>
public static class ReportEndpoints
{
    private static readonly TimeSpan DefaultPeriod = TimeSpan.FromDays(7);
    private static readonly TimeSpan MaxPeriod = TimeSpan.FromDays(93);

    public static void MapReportEndpoints(this IEndpointRouteBuilder app)
    {
        var reports = app.MapGroup("/api/v1/admin/reports").WithTags("Reports");
        reports.MapGet("/niches", ByNiche).WithName("reportByNicheAndDay")
            .WithSummary("Per niche and UTC day: leads in, distributions (distributed, partial, no_eligible, failed attempts), assignments, revenue and average time to distribute; format=csv streams it as CSV.")
            .RequireAuthorization(Policies.Read).Produces(StatusCodes.Status200OK, typeof(NicheDayReport), "application/json", "text/csv").WithQueryProblems();
        reports.MapGet("/providers", ByProvider).WithName("reportByProviderAndDay")
            .WithSummary("Per provider, niche, level and UTC day: assignments and revenue; format=csv streams it as CSV.")
            .RequireAuthorization(Policies.Read).Produces(StatusCodes.Status200OK, typeof(ProviderDayReport), "application/json", "text/csv").WithQueryProblems();
    }

    private static async Task<IResult> ByNiche(
        HttpContext http, ReportQueries queries, TimeProvider clock, string? from, string? to, string? niche_id, string? format)
    {
        var (period, csv) = Parse(clock, from, to, niche_id, format);
        var rows = queries.ByNicheAndDay(http.User.WorkspaceId(), period);
        if (csv)
        {
            return Csv("leadgrains-niches.csv",
                "day,niche_id,leads_in,distributed,partial,no_eligible,failed_attempts,assignments,revenue_cents,average_seconds_to_distribute",
                rows.Select(r => string.Join(',', Day(r.Day), r.NicheId, r.LeadsIn, r.Distributed, r.Partial, r.NoEligible, r.FailedAttempts,
                    r.Assignments, r.RevenueCents, r.AverageSecondsToDistribute?.ToString("0.###", CultureInfo.InvariantCulture) ?? "")));
        }
        return Results.Ok(new NicheDayReport(period.From.UtcDateTime, period.To.UtcDateTime, await rows.ToListAsync()));
    }

    private static async Task<IResult> ByProvider(
        HttpContext http, ReportQueries queries, TimeProvider clock, string? from, string? to, string? niche_id, string? format)
    {
        var (period, csv) = Parse(clock, from, to, niche_id, format);
        var rows = queries.ByProviderAndDay(http.User.WorkspaceId(), period);
        if (csv)
        {
            return Csv("leadgrains-providers.csv", "day,niche_id,level_id,provider_id,assignments,revenue_cents",
                rows.Select(r => string.Join(',', Day(r.Day), r.NicheId, r.LevelId, r.ProviderId, r.Assignments, r.RevenueCents)));
        }
        return Results.Ok(new ProviderDayReport(period.From.UtcDateTime, period.To.UtcDateTime, await rows.ToListAsync()));
    }

    internal static (ReportQueries.Period Period, bool Csv) Parse(TimeProvider clock, string? from, string? to, string? nicheId, string? format)
    {
        var csv = format switch
        {
            null or "" or "json" => false,
            "csv" => true,
            _ => throw ApiProblemException.Validation("format", "must be json or csv."),
        };
        var (start, end) = TimeRange.Parse(from, to).Bounded(clock.GetUtcNow(), DefaultPeriod, MaxPeriod);
        return (new ReportQueries.Period(start, end, Query.OptionalId("niche_id", nicheId)), csv);
    }

    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>
    /// Every value written is a date, a UUID or a number: nothing to quote. The columns are the JSON
    /// items' fields, in order (the OpenAPI document describes both answers with the JSON schema).
    /// </summary>
    internal static IResult Csv(string fileName, string header, IAsyncEnumerable<string> lines) =>
        Results.Stream(async body =>
        {
            await using var writer = new StreamWriter(body, new UTF8Encoding(false), bufferSize: 16 * 1024);
            writer.NewLine = "\n";
            await writer.WriteLineAsync(header);
            await foreach (var line in lines)
            {
                await writer.WriteLineAsync(line);
            }
        }, "text/csv", fileName);
}
