using LeadGrains.Api.Audit;
using LeadGrains.Api.Auth;
using LeadGrains.Api.Errors;
using LeadGrains.Api.OpenApi;
using LeadGrains.Abstractions.Jobs;
using Microsoft.AspNetCore.Mvc;

namespace LeadGrains.Api.Jobs;

/// <summary>The cluster's scheduled jobs: status, last and next run, and running one now.</summary>
public static class JobEndpoints
{
    public static void MapJobEndpoints(this IEndpointRouteBuilder app)
    {
        var jobs = app.MapGroup("/api/v1/admin/jobs").WithTags("Jobs");
        jobs.MapGet("", List).WithName("listJobs")
            .WithSummary("Every scheduled job with its period, runs, last run and outcome, and next run.")
            .RequireAuthorization(Policies.Read).Produces<JobListResponse>().WithAuthProblems();
        jobs.MapGet("/{name}", Get).WithName("getJob")
            .WithSummary("One scheduled job's status.")
            .RequireAuthorization(Policies.Read).Produces<JobResponse>().WithQueryProblems().WithNotFound();
        jobs.MapPost("/{name}/run", RunNow).WithName("runJobNow")
            .WithSummary("Runs the job now, whatever its schedule, and answers its status after the run (admin with MFA; audited).")
            .RequireAuthorization(Policies.Manage).Produces<JobResponse>().WithQueryProblems().WithNotFound();
    }

    private static async Task<JobListResponse> List(JobSchedules schedules, IGrainFactory grains, CancellationToken cancellationToken)
    {
        var all = await schedules.All(cancellationToken);
        var now = schedules.Now;
        var items = await Task.WhenAll(all.Select(async schedule =>
            JobResponse.From(schedule, await grains.GetGrain<IScheduledJobGrain>(schedule.Name).GetStatus(), now)));
        return new JobListResponse(items);
    }

    private static async Task<JobResponse> Get(JobSchedules schedules, IGrainFactory grains, [FromRoute(Name = "name")] string name,
        CancellationToken cancellationToken)
    {
        var schedule = await Find(schedules, name, cancellationToken);
        return JobResponse.From(schedule, await grains.GetGrain<IScheduledJobGrain>(schedule.Name).GetStatus(), schedules.Now);
    }

    private static async Task<JobResponse> RunNow(
        HttpContext http, JobSchedules schedules, IGrainFactory grains, AuditLog audit, [FromRoute(Name = "name")] string name)
    {
        var schedule = await Find(schedules, name, http.RequestAborted);
        var status = await grains.GetGrain<IScheduledJobGrain>(schedule.Name).RunNow();
        await audit.Write(http.User.WorkspaceId(), http.User.Actor(), "job.run_now", "job", schedule.Name, new { outcome = status.LastOutcome });
        return JobResponse.From(schedule, status, schedules.Now);
    }

    /// <summary>Only the names of existing jobs reach a grain: any other name is a 404, and activates nothing.</summary>
    private static async Task<JobSchedules.Schedule> Find(JobSchedules schedules, string name, CancellationToken cancellationToken) =>
        (await schedules.All(cancellationToken)).FirstOrDefault(s => s.Name == name) ?? throw ApiProblemException.NotFound("job");
}
