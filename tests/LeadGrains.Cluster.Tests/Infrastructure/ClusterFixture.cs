using LeadGrains.Data;
using Npgsql;
using Orleans.TestingHost;

namespace LeadGrains.Cluster.Tests.Infrastructure;

/// <summary>
/// A real two-silo Orleans cluster on ADO.NET clustering, grain storage and reminders, over a fresh
/// PostgreSQL database cloned from the migrated template. One per test class.
/// </summary>
public class ClusterFixture : IAsyncLifetime
{
    public TestCluster Cluster { get; private set; } = null!;
    /// <summary>The owner's connection to the test database.</summary>
    public string ConnectionString { get; private set; } = "";
    public NpgsqlDataSource Db { get; private set; } = null!;
    public IGrainFactory Grains => Cluster.GrainFactory;

    protected virtual short InitialSilos => 2;

    /// <summary>
    /// Membership timings shortened so a killed silo is noticed in seconds, through the settings the
    /// silos read (<c>LeadGrains:Membership</c>). They bound the first ping a joining silo sends, so
    /// they suit in-memory connections only: a fixture on real sockets keeps production's.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> QuickFailureDetection = new Dictionary<string, string>
    {
        ["LeadGrains:Membership:ProbeTimeout"] = "00:00:00.500",
        ["LeadGrains:Membership:NumMissedProbesLimit"] = "2",
        ["LeadGrains:Membership:NumVotesForDeathDeclaration"] = "1",
        ["LeadGrains:Membership:IAmAliveTablePublishTimeout"] = "00:00:02",
        ["LeadGrains:Membership:TableRefreshTimeout"] = "00:00:01",
    };

    public async Task InitializeAsync()
    {
        ConnectionString = await TestDatabase.CreateAsync();
        Db = LeadGrainsDataSource.Create(ConnectionString);
        var builder = new TestClusterBuilder(InitialSilos);
        builder.Options.UseTestClusterMembership = false;
        // The silos run as the application role, as in production; Db (the tests' look) is the owner.
        builder.Properties["ConnectionStrings:LeadGrains"] = TestDatabase.AppConnectionStringFor(ConnectionString);
        // The engine's tests trigger distributions and retries themselves; the pipeline's fixture turns
        // auto-distribution back on and sweeps explicitly.
        builder.Properties["LeadGrains:Distribution:AutoDistribute"] = "false";
        builder.Properties["LeadGrains:Distribution:SweepInterval"] = "01:00:00";
        // Delivery has its own fixture; elsewhere assignments are only recorded.
        builder.Properties["LeadGrains:Delivery:Enabled"] = "false";
        // Test clusters connect in memory, with no socket to guard; mutual TLS over real TCP is the
        // subject of TlsClusterFixture.
        builder.Properties["LeadGrains:Tls:Enabled"] = "false";
        foreach (var (key, value) in QuickFailureDetection)
        {
            builder.Properties[key] = value;
        }
        Configure(builder);
        builder.AddSiloBuilderConfigurator<TestSiloConfigurator>();
        builder.AddClientBuilderConfigurator<TestClientConfigurator>();
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    protected virtual void Configure(TestClusterBuilder builder)
    {
    }

    public virtual async Task DisposeAsync()
    {
        await Cluster.DisposeAsync();
        await Db.DisposeAsync();
        await TestDatabase.DropAsync(ConnectionString);
    }

    /// <summary>I1-I4 must hold after every test that moves money.</summary>
    public async Task AssertInvariantsHold()
    {
        var violations = await InvariantChecker.Check(Db);
        Assert.True(violations.Count == 0, "Invariant violations:\n" + string.Join("\n", violations));
    }
}
