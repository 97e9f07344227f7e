using Dapper;

namespace LeadGrains.Cluster.Tests.Infrastructure;

/// <summary>A lead's lifecycle columns read straight from the database, as the tests' ground truth.</summary>
public static class LeadRows
{
    public static async Task<string> LeadStatus(this ClusterFixture fixture, Guid lead)
    {
        await using var connection = await fixture.Db.OpenConnectionAsync();
        return await connection.QuerySingleAsync<string>("SELECT status FROM leads WHERE id = @lead", new { lead });
    }

    public static async Task<int> FailedAttempts(this ClusterFixture fixture, Guid lead)
    {
        await using var connection = await fixture.Db.OpenConnectionAsync();
        return await connection.QuerySingleAsync<int>("SELECT failed_attempts FROM leads WHERE id = @lead", new { lead });
    }
}
