using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Configuration;

namespace LeadGrains.Api.Jobs;

/// <summary>
/// The scheduled jobs' reminders, read from the Orleans reminders table: which jobs exist in this
/// service and when each one ticks next. The API may run as a client without the jobs themselves.
/// </summary>
public sealed class JobSchedules(NpgsqlDataSource db, IOptions<ClusterOptions> cluster, TimeProvider clock)
{
    /// <summary>A job's reminder: first tick and period. Ticks follow at start + k × period.</summary>
    public sealed record Schedule(string Name, DateTimeOffset StartsAt, TimeSpan Period)
    {
        public DateTimeOffset NextTickAfter(DateTimeOffset now)
        {
            if (now < StartsAt)
            {
                return StartsAt;
            }
            var periodsDone = (now - StartsAt).Ticks / Period.Ticks + 1;
            return StartsAt + TimeSpan.FromTicks(Period.Ticks * periodsDone);
        }
    }

    public async Task<IReadOnlyList<Schedule>> All(CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<(string Name, DateTime StartsAt, long PeriodMs)>("""
            SELECT remindername, starttime, period
              FROM orleansreminderstable
             WHERE serviceid = @serviceId AND grainid LIKE 'scheduledjob/%'
             ORDER BY remindername
            """, new { serviceId = cluster.Value.ServiceId });
        return rows.Select(r => new Schedule(r.Name, new DateTimeOffset(r.StartsAt, TimeSpan.Zero), TimeSpan.FromMilliseconds(r.PeriodMs))).ToList();
    }

    public DateTimeOffset Now => clock.GetUtcNow();
}
