using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Npgsql;

namespace LeadGrains.Api.Tests;

/// <summary>
/// The API in local (cohosted) mode, with its own silo, on a fresh PostgreSQL database that is
/// dropped afterwards. Its Orleans ports and cluster id are unique, so it can run beside other
/// test hosts and a developer's local cluster.
/// </summary>
public sealed class LocalApiHost : IAsyncLifetime
{
    private const string DefaultAdminConnection = "Host=127.0.0.1;Port=55432;Username=leadgrains;Password=leadgrains";

    private readonly string adminConnection =
        Environment.GetEnvironmentVariable("LEADGRAINS_PG_ADMIN") is { Length: > 0 } fromEnvironment
            ? fromEnvironment
            : DefaultAdminConnection;
    private readonly string database = $"lg_api_{Guid.NewGuid():N}";
    private WebApplicationFactory<Program>? factory;

    public HttpClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await ExecuteAdminAsync($"CREATE DATABASE {database}");
        var connection = new NpgsqlConnectionStringBuilder(adminConnection) { Database = database }.ConnectionString;
        factory = new WebApplicationFactory<Program>().WithWebHostBuilder(host => host
            .UseSetting("ConnectionStrings:LeadGrains", connection)
            .UseSetting("LeadGrains:Mode", "cohosted")
            .UseSetting("LeadGrains:MigrateOnStart", "true")
            .UseSetting("LeadGrains:ClusterId", $"api-tests-{Guid.NewGuid():N}")
            .UseSetting("LeadGrains:SiloPort", FreeTcpPort().ToString())
            .UseSetting("LeadGrains:GatewayPort", FreeTcpPort().ToString()));
        Client = factory.CreateClient();
    }

    public async Task DisposeAsync()
    {
        if (factory is not null)
        {
            await factory.DisposeAsync();
        }
        await ExecuteAdminAsync($"DROP DATABASE IF EXISTS {database} WITH (FORCE)");
    }

    private async Task ExecuteAdminAsync(string sql)
    {
        var maintenance = new NpgsqlConnectionStringBuilder(adminConnection) { Database = "postgres" }.ConnectionString;
        await using var connection = new NpgsqlConnection(maintenance);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static int FreeTcpPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
