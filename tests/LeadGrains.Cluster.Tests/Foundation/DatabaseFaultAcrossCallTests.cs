using Dapper;
using LeadGrains.Abstractions.Queues;
using LeadGrains.Cluster.Tests.Distribution;
using LeadGrains.Cluster.Tests.Infrastructure;
using Npgsql;

namespace LeadGrains.Cluster.Tests.Foundation;

/// <summary>
/// A grain's database fault reaches its caller as Npgsql's exception, so the API can answer a
/// database that is restarting or too slow with 503 (the fault campaign's PostgreSQL restart once got
/// 500 "Could not find a codec for type Npgsql.NpgsqlException" instead). The grain's query waits
/// behind a table lock the test holds until the silos' 2 s command timeout.
/// </summary>
[Collection(DatabaseFaultCollection.Name)]
public sealed class DatabaseFaultAcrossCallTests(ShortCommandTimeoutClusterFixture fixture)
{
    [Fact]
    public async Task A_grain_query_that_times_out_reaches_the_caller_as_a_transient_npgsql_exception()
    {
        await using var holder = await fixture.Db.OpenConnectionAsync();
        await using var holding = await holder.BeginTransactionAsync();
        await holder.ExecuteAsync("LOCK TABLE dead_letters IN ACCESS EXCLUSIVE MODE", transaction: holding);

        var failure = await Record.ExceptionAsync(() => fixture.Grains.GetGrain<IDeadLetterQueueGrain>(Guid.NewGuid()).Status());

        var npgsql = Assert.IsAssignableFrom<NpgsqlException>(failure);
        Assert.True(npgsql.IsTransient, npgsql.ToString());
    }
}
