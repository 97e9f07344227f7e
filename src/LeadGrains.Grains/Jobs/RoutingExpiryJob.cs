using Dapper;
using Npgsql;

namespace LeadGrains.Grains.Jobs;

/// <summary>Daily: routing submissions never routed within their time to live (90 days, as a lead's) expire and their lead data is erased.</summary>
public sealed class RoutingExpiryJob(NpgsqlDataSource db) : IScheduledJob
{
    public string Name => "routing-expiry";

    public TimeSpan Period => TimeSpan.FromDays(1);

    public async Task<string> Run(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var expired = await connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT expire_unrouted(@now)", new { now },
            cancellationToken: cancellationToken));
        return $"expired {expired} unrouted submission(s)";
    }
}
