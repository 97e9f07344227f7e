extern alias local;

using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using LeadGrains.Api.Auth;
using LeadGrains.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace LeadGrains.Api.Tests;

/// <summary>
/// The API in local mode (LeadGrains.Local: the API with its own silo), on a fresh PostgreSQL database that is
/// dropped afterwards. Its Orleans ports and cluster id are unique, so it can run beside other
/// test hosts and a developer's local cluster. Every response its clients receive is recorded
/// (<see cref="ResponseRecorder"/>) for the contract and privacy checks.
/// </summary>
public class LocalApiHost : IAsyncLifetime
{
    private const string DefaultAdminConnection = "Host=127.0.0.1;Port=55432;Username=leadgrains;Password=leadgrains";
    public const string SigningKey = "test-signing-key-for-the-leadgrains-api-0123456789";

    private readonly string adminConnection =
        Environment.GetEnvironmentVariable("LEADGRAINS_PG_ADMIN") is { Length: > 0 } fromEnvironment
            ? fromEnvironment
            : DefaultAdminConnection;
    private readonly string database = $"lg_api_{Guid.NewGuid():N}";
    private WebApplicationFactory<local::Program>? factory;

    /// <summary>An anonymous client.</summary>
    public HttpClient Client { get; private set; } = null!;

    public string ConnectionString { get; private set; } = "";

    public AuthOptions Auth { get; } = new() { SigningKey = SigningKey, Issuer = "leadgrains-tests", Audience = "leadgrains-api" };

    public IServiceProvider Services => factory!.Services;

    public Tokens Tokens => new(Auth);

    /// <summary>Settings beyond the defaults (e.g. low rate limits for the rate-limit tests).</summary>
    protected virtual IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["LeadGrains:RateLimits:IntakePermits"] = "100000",
        ["LeadGrains:RateLimits:AuthFailurePermits"] = "100000",
        // Assignments' e-mails go to the SMTP server test.sh starts.
        ["LeadGrains:Delivery:Smtp:Host"] = "127.0.0.1",
        ["LeadGrains:Delivery:Smtp:Port"] = Environment.GetEnvironmentVariable("LEADGRAINS_SMTP_PORT") ?? "2525",
        ["LeadGrains:Delivery:Smtp:UseTls"] = "false",
    };

    /// <summary>Serve on a real TCP port (a browser's way in) instead of the in-memory test server.</summary>
    protected virtual bool ServeOverTcp => false;

    /// <summary>The address the host serves on (an in-memory one unless it serves over TCP).</summary>
    public Uri BaseAddress { get; private set; } = new("http://localhost/");

    public async Task InitializeAsync()
    {
        await ExecuteAdminAsync($"CREATE DATABASE {database}");
        ConnectionString = new NpgsqlConnectionStringBuilder(adminConnection) { Database = database }.ConnectionString;
        factory = new WebApplicationFactory<local::Program>().WithWebHostBuilder(host =>
        {
            host.UseSetting("ConnectionStrings:LeadGrains", ConnectionString)
                .UseSetting("LeadGrains:MigrateOnStart", "true")
                // The API reaches its own silo in process; mutual TLS on the cluster's ports is the
                // subject of the cluster tests' ClusterTlsTests, so these hosts open theirs without it.
                .UseSetting("LeadGrains:Tls:Enabled", "false")
                .UseSetting("LeadGrains:ClusterId", $"api-tests-{Guid.NewGuid():N}")
                .UseSetting("LeadGrains:SiloPort", FreeTcpPort().ToString())
                .UseSetting("LeadGrains:GatewayPort", FreeTcpPort().ToString())
                .UseSetting("LeadGrains:Auth:SigningKey", Auth.SigningKey)
                .UseSetting("LeadGrains:Auth:Issuer", Auth.Issuer)
                .UseSetting("LeadGrains:Auth:Audience", Auth.Audience);
            foreach (var (key, value) in Settings)
            {
                host.UseSetting(key, value);
            }
        });
        if (ServeOverTcp)
        {
            var port = FreeTcpPort();
            factory.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port));
            factory.StartServer();
            BaseAddress = new Uri($"http://127.0.0.1:{port}/");
        }
        Client = CreateClient();
        // Start the host (and its silo) now, not inside the first test.
        await Client.GetAsync("/health/live");
    }

    public HttpClient CreateClient(string? token = null) => CreateClientAt(BaseAddress, token);

    /// <summary>A client whose requests name another address (the host's management port, say).</summary>
    public HttpClient CreateClientAt(Uri address, string? token = null)
    {
        var client = factory!.CreateDefaultClient(address, new ResponseRecorder());
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        return client;
    }

    public NpgsqlDataSource Database => Services.GetRequiredService<NpgsqlDataSource>();

    /// <summary>
    /// Before stopping, checks every answer recorded in the whole run against the served OpenAPI
    /// document (whatever order the test classes ran in); an undocumented answer fails the run.
    /// </summary>
    public async Task DisposeAsync()
    {
        IReadOnlyList<string> undocumented = [];
        if (factory is not null)
        {
            undocumented = OpenApiContract.Undocumented(await OpenApiContract.Document(Client), ResponseRecorder.All.ToArray());
            await factory.DisposeAsync();
        }
        await ExecuteAdminAsync($"DROP DATABASE IF EXISTS {database} WITH (FORCE)");
        if (undocumented.Count > 0)
        {
            throw new InvalidOperationException("Answers the OpenAPI document does not describe:\n" + string.Join("\n", undocumented));
        }
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

/// <summary>The host most test classes share (one silo and database for the whole collection).</summary>
[CollectionDefinition(Name)]
public sealed class ApiCollection : ICollectionFixture<LocalApiHost>
{
    public const string Name = "api";
}
