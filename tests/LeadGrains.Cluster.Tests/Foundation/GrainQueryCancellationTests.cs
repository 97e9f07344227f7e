using System.Diagnostics;
using Dapper;
using LeadGrains.Abstractions.Queues;
using LeadGrains.Cluster.Tests.Infrastructure;
using Npgsql;

namespace LeadGrains.Cluster.Tests.Foundation;

/// <summary>
/// A caller's cancellation reaches the grain's database query: the dead-letter listing is held up
/// behind a table lock the test takes, and the server's view of its sessions (pg_stat_activity) shows
/// whether the query is still waiting after the caller stops. The control makes the same call without
/// a token and only stops waiting for it, as a caller could before: the query waits on in the database.
/// </summary>
public sealed class GrainQueryCancellationTests(ClusterFixture fixture) : IClassFixture<ClusterFixture>
{
    private const string ListingQuery = "%FROM dead_letters d JOIN leads l ON l.id = d.lead_id%ORDER BY d.failed_at DESC%";

    [Fact]
    public async Task A_cancelled_grain_call_stops_its_database_query()
    {
        await using var holder = await HoldDeadLetters();
        using var cancellation = new CancellationTokenSource();
        var listing = fixture.Grains.GetGrain<IDeadLetterQueueGrain>(Guid.NewGuid()).List(1, 10, null, cancellation.Token);
        await Eventually.True(async () => await WaitingListings() == 1, "the listing waits for the lock");

        var stopping = Stopwatch.StartNew();
        cancellation.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => listing);
        // Still behind the lock, which the test holds until the end: only the cancellation can have ended it.
        await Eventually.True(async () => await WaitingListings() == 0, "the cancelled listing's query is gone");
        Assert.True(stopping.Elapsed < TimeSpan.FromSeconds(10), $"the query ran on for {stopping.Elapsed} after the cancellation");
    }

    [Fact]
    public async Task Control_a_call_without_a_token_leaves_its_query_waiting_after_the_caller_gives_up()
    {
        await using var holder = await HoldDeadLetters();
        var listing = fixture.Grains.GetGrain<IDeadLetterQueueGrain>(Guid.NewGuid()).List(1, 10, null);
        await Eventually.True(async () => await WaitingListings() == 1, "the listing waits for the lock");

        await Assert.ThrowsAsync<TimeoutException>(() => listing.WaitAsync(TimeSpan.FromMilliseconds(200)));

        Assert.Equal(1, await WaitingListings());
        await holder.DisposeAsync();
        Assert.Empty((await listing).Items);
    }

    /// <summary>Takes the dead letters' table lock in a transaction of its own; disposing it releases the lock.</summary>
    private async Task<TableLock> HoldDeadLetters()
    {
        var connection = await fixture.Db.OpenConnectionAsync();
        var transaction = await connection.BeginTransactionAsync();
        await connection.ExecuteAsync("LOCK TABLE dead_letters IN ACCESS EXCLUSIVE MODE", transaction: transaction);
        return new TableLock(connection, transaction);
    }

    private sealed class TableLock(NpgsqlConnection connection, NpgsqlTransaction transaction) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await transaction.DisposeAsync();
            await connection.DisposeAsync();
        }
    }

    private async Task<long> WaitingListings()
    {
        await using var connection = await fixture.Db.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<long>("""
            SELECT count(*) FROM pg_stat_activity
             WHERE datname = current_database() AND pid <> pg_backend_pid() AND state = 'active' AND query LIKE @listing
            """, new { listing = ListingQuery });
    }
}
