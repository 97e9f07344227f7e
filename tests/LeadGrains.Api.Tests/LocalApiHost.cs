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
    private const string DefaultAppConnection = "Host=127.0.0.1;Port=55432;Username=leadgrains_app;Password=leadgrains_app";
    public const string SigningKey = "test-signing-key-for-the-leadgrains-api-0123456789";

    /// <summary>Seals the webhook secrets the tests' providers get (32 bytes, base64).</summary>
    public const string WebhookSecretsKey = "dGVzdC13ZWJob29rLXNlY3JldHMta2V5LTMyLWJ5dGU=";

    private readonly string adminConnection =
        Environment.GetEnvironmentVariable("LEADGRAINS_PG_ADMIN") is { Length: > 0 } fromEnvironment
            ? fromEnvironment
            : DefaultAdminConnection;
    private readonly string appConnection =
        Environment.GetEnvironmentVariable("LEADGRAINS_PG_APP") is { Length: > 0 } fromEnvironment
            ? fromEnvironment
            : DefaultAppConnection;
    private readonly string database = $"lg_api_{Guid.NewGuid():N}";
    // The running host, whichever entry point it is (see Start).
    private IAsyncDisposable? factory;
    private Func<IServiceProvider>? services;
    private Func<Uri, DelegatingHandler, HttpClient>? createClient;

    /// <summary>An anonymous client.</summary>
    public HttpClient Client { get; private set; } = null!;

    /// <summary>The owner's connection to the host's database (the host itself runs as the application role).</summary>
    public string ConnectionString { get; private set; } = "";

    /// <summary>The application role's connection the host runs with.</summary>
    public string AppConnectionString { get; private set; } = "";

    public AuthOptions Auth { get; } = new() { SigningKey = SigningKey, Issuer = "leadgrains-tests", Audience = "leadgrains-api" };

    public IServiceProvider Services => services!();

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
        // Every recorded lead closes its niche's fairness window, so the fairness gauge has a value to scrape.
        ["LeadGrains:Operations:FairnessWindow"] = "00:00:00",
        ["LeadGrains:Operations:FairnessMinAssignments"] = "1",
    };

    /// <summary>Serve on a real TCP port (a browser's way in) instead of the in-memory test server.</summary>
    protected virtual bool ServeOverTcp => false;

    /// <summary>The address the host serves on (an in-memory one unless it serves over TCP).</summary>
    public Uri BaseAddress { get; private set; } = new("http://localhost/");

    public async Task InitializeAsync()
    {
        await ExecuteAdminAsync($"CREATE DATABASE {database}");
        ConnectionString = new NpgsqlConnectionStringBuilder(adminConnection) { Database = database }.ConnectionString;
        AppConnectionString = new NpgsqlConnectionStringBuilder(appConnection) { Database = database }.ConnectionString;
        Database = NpgsqlDataSource.Create(ConnectionString);
        await BeforeApiStartsAsync();
        if (AsClusterClient)
        {
            Start(new WebApplicationFactory<Program>());
        }
        else
        {
            Start(new WebApplicationFactory<local::Program>());
        }
        Client = CreateClient();
        // Start the host (and its silo) now, not inside the first test.
        await Client.GetAsync("/health/live");
    }

    /// <summary>Configures and starts the host of <typeparamref name="TEntryPoint"/> (local::Program or the API's own).</summary>
    private void Start<TEntryPoint>(WebApplicationFactory<TEntryPoint> created) where TEntryPoint : class
    {
        var configured = created.WithWebHostBuilder(host =>
        {
            host.UseSetting("ConnectionStrings:LeadGrains", AppConnectionString)
                .UseSetting("ConnectionStrings:LeadGrainsOwner", ConnectionString)
                .UseSetting("LeadGrains:MigrateOnStart", "true")
                // Every host's silo needs a key to seal the webhook secrets with.
                .UseSetting("LeadGrains:Delivery:SecretKeys:0", WebhookSecretsKey)
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
            configured.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port));
            configured.StartServer();
            BaseAddress = new Uri($"http://127.0.0.1:{port}/");
        }
        services = () => configured.Services;
        createClient = (address, recorder) => configured.CreateDefaultClient(address, recorder);
        factory = configured;
    }

    /// <summary>The API alone, as an Orleans client of a cluster the subclass starts (<see cref="BeforeApiStartsAsync"/>), instead of LeadGrains.Local.</summary>
    protected virtual bool AsClusterClient => false;

    /// <summary>Runs once the database exists and before the API starts (e.g. to start silos it will join).</summary>
    protected virtual Task BeforeApiStartsAsync() => Task.CompletedTask;

    /// <summary>Runs once the API has stopped, before the database is dropped.</summary>
    protected virtual Task AfterApiStopsAsync() => Task.CompletedTask;

    public HttpClient CreateClient(string? token = null) => CreateClientAt(BaseAddress, token);

    /// <summary>A client whose requests name another address (the host's management port, say).</summary>
    public HttpClient CreateClientAt(Uri address, string? token = null)
    {
        var client = createClient!(address, new ResponseRecorder());
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        return client;
    }

    /// <summary>The tests' own look at the database, as its owner: it may plant what the application may not.</summary>
    public NpgsqlDataSource Database { get; private set; } = null!;

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
        await AfterApiStopsAsync();
        if (Database is not null)
        {
            await Database.DisposeAsync();
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
