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
