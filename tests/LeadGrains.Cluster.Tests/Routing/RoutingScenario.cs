using Dapper;
using LeadGrains.Abstractions.Leads;
using LeadGrains.Abstractions.Routing;
using LeadGrains.Cluster.Tests.Infrastructure;
using LeadGrains.Domain.Leads;
using Npgsql;

namespace LeadGrains.Cluster.Tests.Routing;

/// <summary>
/// Routing test data. Rules are platform-wide, so each test's rules ask for an attribute only its
/// own leads carry (<see cref="Tag"/>), and the tests of a class never route each other's leads.
/// </summary>
public sealed class RoutingScenario(ClusterFixture fixture)
{
    public string Tag { get; } = Guid.NewGuid().ToString("N")[..12];

    /// <summary>A workspace with one niche (one level, one provider with money), as a destination.</summary>
    public async Task<(Scenario Workspace, Guid NicheId, Guid ProviderId)> Destination()
    {
        var s = await Scenario.Start(fixture.Grains);
        var niche = await s.Niche(new Scenario.Level(1, 1, 100));
        var provider = await s.Provider(10_000);
        await s.Subscribe(niche, provider, 1);
        return (s, niche.NicheId, provider);
    }

    /// <summary>Stores a rule as the platform admin's endpoint does; its condition also requires this test's tag.</summary>
    public async Task<Guid> Rule(string condition, int priority, Guid workspaceId, Guid nicheId, bool enabled = true)
    {
        var id = Guid.NewGuid();
        await using var connection = await fixture.Db.OpenConnectionAsync();
        await connection.ExecuteAsync("""
            INSERT INTO routing_rules (id, name, condition, priority, destination_workspace_id, destination_niche_id, enabled, created_at, updated_at)
            VALUES (@id, @name, @condition, @priority, @workspaceId, @nicheId, @enabled, now(), now())
            """, new { id, name = "rule " + priority, condition = $"attr('test') == '{Tag}' and ({condition})", priority, workspaceId, nicheId, enabled });
        return id;
    }

    public static RoutingSource Partner(Guid workspaceId) => new(RoutingSource.Workspace, workspaceId.ToString());

    /// <summary>A lead for routing: this test's tag, the given consumer (by e-mail) and attributes.</summary>
    public RoutingRequest Request(RoutingSource source, string reference, string email, string state = "TX", string? zip = null,
        IReadOnlyDictionary<string, string>? extra = null)
    {
        var attributes = new Dictionary<string, string>(extra ?? new Dictionary<string, string>()) { ["test"] = Tag };
        return new RoutingRequest(source, reference, new LeadContact("Ada", "Lovelace", email, PhoneOf(email)),
            new LeadAttributes(state, zip, null, attributes));
    }

    /// <summary>Submits as the routing endpoint does: the submission id derived from the source and its reference.</summary>
    public Task<RoutingView> Submit(RoutingRequest request) => Grain(request).Submit(request);

    public IRoutingGrain Grain(RoutingRequest request) =>
        fixture.Grains.GetGrain<IRoutingGrain>(LeadIds.ForRoutingSubmission(request.Source.Kind, request.Source.Id, request.SourceReference));

    public static Guid SubmissionId(RoutingRequest request) => LeadIds.ForRoutingSubmission(request.Source.Kind, request.Source.Id, request.SourceReference);

    /// <summary>One phone per e-mail (however cased), so an e-mail names one consumer.</summary>
    public static string PhoneOf(string email) => $"+1214{2_000_000 + (uint)email.ToLowerInvariant().GetHashCode() % 8_000_000}";

    /// <summary>The submission's row; an empty status while there is none.</summary>
    public async Task<(string Status, Guid? LeadId, Guid? WorkspaceId, int Attempts)> Row(Guid submissionId)
    {
        await using var connection = await fixture.Db.OpenConnectionAsync();
        return await connection.QuerySingleOrDefaultAsync<(string, Guid?, Guid?, int)>(
            "SELECT status, lead_id, destination_workspace_id, attempts FROM routing_submissions WHERE id = @submissionId", new { submissionId });
    }

    /// <summary>The submission's routing log, one line an entry, to explain where it stopped.</summary>
    public async Task<string> Log(Guid submissionId)
    {
        await using var connection = await fixture.Db.OpenConnectionAsync();
        var lines = await connection.QueryAsync<string>("""
            SELECT concat_ws(' ', at::text, 'attempt', attempt, outcome, reason) FROM routing_log WHERE submission_id = @submissionId ORDER BY id
            """, new { submissionId });
        var next = await connection.QuerySingleOrDefaultAsync<string>(
            "SELECT concat_ws(' ', status, 'next attempt', next_attempt_at::text) FROM routing_submissions WHERE id = @submissionId", new { submissionId });
        return $"submission {submissionId}: {next}\n" + string.Join("\n", lines);
    }

    /// <summary>The leads in any workspace made of this consumer.</summary>
    public async Task<List<(Guid Id, Guid WorkspaceId, string Status)>> LeadsOf(string email)
    {
        await using var connection = await fixture.Db.OpenConnectionAsync();
        return (await connection.QueryAsync<(Guid, Guid, string)>("SELECT id, workspace_id, status FROM leads WHERE consumer_hash = @hash",
            new { hash = DedupeHash.ForConsumer(email, PhoneOf(email)) })).ToList();
    }

    public static async Task SetDedupe(NpgsqlDataSource db, string scope, int windowDays = 30)
    {
        await using var connection = await db.OpenConnectionAsync();
        await connection.ExecuteAsync("UPDATE routing_settings SET dedupe_scope = @scope, dedupe_window_days = @windowDays, updated_at = now()",
            new { scope, windowDays });
    }
}
