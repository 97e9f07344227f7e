using Dapper;
using LeadGrains.Cluster.Tests.Infrastructure;
using LeadGrains.Data;
using Npgsql;

namespace LeadGrains.Cluster.Tests.Foundation;

/// <summary>The data source's timeouts come from <see cref="DatabaseTimeouts"/>, and connection faults are told from statement errors.</summary>
public sealed class DatabaseTimeoutTests : IAsyncLifetime
{
    private string _connectionString = "";

    public async Task InitializeAsync() => _connectionString = await TestDatabase.CreateAsync();

    public Task DisposeAsync() => TestDatabase.DropAsync(_connectionString);

    [Fact]
    public async Task The_data_source_applies_the_configured_timeouts_and_keepalive()
    {
        await using var db = LeadGrainsDataSource.Create(_connectionString,
            new DatabaseTimeouts { ConnectTimeout = TimeSpan.FromSeconds(3), CommandTimeout = TimeSpan.FromSeconds(1), KeepAlive = TimeSpan.FromSeconds(7) });
        var settings = new NpgsqlConnectionStringBuilder(db.ConnectionString);

        Assert.Equal((3, 1, 7, true), (settings.Timeout, settings.CommandTimeout, settings.KeepAlive, settings.TcpKeepAlive));
    }

    [Fact]
    public async Task A_command_past_its_timeout_fails_as_the_database_unavailable()
    {
        await using var db = LeadGrainsDataSource.Create(_connectionString, new DatabaseTimeouts { CommandTimeout = TimeSpan.FromSeconds(1) });
        await using var connection = await db.OpenConnectionAsync();

        var error = await Assert.ThrowsAnyAsync<Exception>(() => connection.ExecuteAsync("SELECT pg_sleep(10)"));

        Assert.True(DatabaseUnavailable.Is(error), error.ToString());
    }

    [Fact]
    public async Task A_terminated_backend_fails_as_the_database_unavailable_and_a_bad_statement_does_not()
    {
        await using var db = LeadGrainsDataSource.Create(_connectionString);
        await using var victim = await db.OpenConnectionAsync();
        var pid = await victim.QuerySingleAsync<int>("SELECT pg_backend_pid()");
        await using (var admin = await db.OpenConnectionAsync())
        {
            await admin.ExecuteAsync("SELECT pg_terminate_backend(@pid)", new { pid });
        }

        var terminated = await Assert.ThrowsAnyAsync<Exception>(() => victim.ExecuteAsync("SELECT 1"));
        await using var healthy = await db.OpenConnectionAsync();
        var statement = await Assert.ThrowsAnyAsync<PostgresException>(() => healthy.ExecuteAsync("SELECT 1 / 0"));

        Assert.True(DatabaseUnavailable.Is(terminated), terminated.ToString());
        Assert.False(DatabaseUnavailable.Is(statement), statement.ToString());
    }
}
