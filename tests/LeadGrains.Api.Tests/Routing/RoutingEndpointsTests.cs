using System.Net;
using LeadGrains.Api.Auth;
using LeadGrains.Api.Tests.Endpoints;
using LeadGrains.Api.Tests.Infrastructure;

namespace LeadGrains.Api.Tests.Routing;

/// <summary>
/// Partner routing over HTTP: platform admins keep the rules (checked at save) and dry-run them; a
/// partner submits a lead that lands in the destination workspace and is distributed there; the
/// partner sees only its own submissions and never where they went; operators see the log.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class RoutingEndpointsTests(LocalApiHost host)
{
    private readonly ApiDriver api = new(host);

    /// <summary>Rules are platform-wide: this test's rules ask for an attribute only its leads carry.</summary>
    private readonly string tag = Guid.NewGuid().ToString("N")[..10];

    [Fact]
    public async Task A_partners_lead_is_routed_by_rule_into_the_destination_and_distributed_there()
    {
        var partner = await api.Workspace("partner");
        var destination = await api.Workspace("destination");
        var niche = await api.Niche(destination);
        var level = niche.Json.GetProperty("levels")[0].GetProperty("level_id").GetGuid();
        var provider = await api.Provider(destination, depositCents: 100_000);
        await api.Subscribe(destination, provider, level);
        var rule = await ApiDriver.Expect(HttpStatusCode.Created, api.Post("/api/v1/platform/routing/rules", api.Tokens.Platform(), new
        {
            name = "Texas solar", condition = $"attr('tag') == '{tag}' and state == 'TX' and industry == 'solar'", priority = 10,
            destination_workspace_id = destination, destination_niche_id = niche.Id("niche_id"),
        }));

        var dryRun = await ApiDriver.Expect(HttpStatusCode.OK, api.Post("/api/v1/platform/routing/dry-run", api.Tokens.Platform(),
            new { attributes = new { state = "tx", tag, industry = "solar" } }));
        Assert.Equal(rule.Id("rule_id"), dryRun.Id("matched_rule_id"));
        Assert.Contains("industry='solar'", dryRun.Json.GetProperty("evaluations").EnumerateArray().Last().GetProperty("why").GetString());

        var submitted = await ApiDriver.Expect(HttpStatusCode.Accepted, api.Post("/api/v1/routing/leads", api.Tokens.Approver(partner), Body("row-1", "TX")));
        Assert.Equal("routed", submitted.Str("status"));
        Assert.DoesNotContain(destination.ToString(), submitted.Text);                  // the source never learns the destination
        var again = await ApiDriver.Expect(HttpStatusCode.Accepted, api.Post("/api/v1/routing/leads", api.Tokens.Approver(partner), Body("row-1", "TX")));
        Assert.Equal(submitted.Id("submission_id"), again.Id("submission_id"));         // the same reference is the same submission

        var log = await ApiDriver.Expect(HttpStatusCode.OK, api.Get($"/api/v1/platform/routing/submissions/{submitted.Id("submission_id")}/log",
            api.Tokens.For(Roles.PlatformOps, null, mfa: true)));
        var lead = log.Json.GetProperty("submission").GetProperty("lead_id").GetGuid();
        Assert.Equal(["decided", "routed"], log.Json.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("outcome").GetString()));
        await ApiDriver.Expect(HttpStatusCode.OK, api.Post($"/api/v1/admin/leads/{lead}/approve", api.Tokens.Admin(destination)));
        var distributed = await api.AwaitDistribution(destination, lead);
        Assert.Equal("distributed", distributed.Str("lead_status"));
        await ApiDriver.Expect(HttpStatusCode.NotFound, api.Get($"/api/v1/admin/leads/{lead}", api.Tokens.Ops(partner)));

        var volume = await ApiDriver.Expect(HttpStatusCode.OK, api.Get("/api/v1/platform/routing/reports/volume?by=source", api.Tokens.Platform()));
        Assert.Contains(volume.Json.GetProperty("rows").EnumerateArray(), r => r.GetProperty("key").GetString() == $"workspace:{partner}"
            && r.GetProperty("routed").GetInt64() == 1);
    }

    [Fact]
    public async Task A_source_sees_only_its_own_submissions_and_an_unmatched_one_waits_for_its_retry()
    {
        var partner = await api.Workspace("partner");
        var rival = await api.Workspace("rival");
        var source = api.Tokens.For(Roles.PlatformSource, null);

        var unmatched = await ApiDriver.Expect(HttpStatusCode.Accepted, api.Post("/api/v1/routing/leads", source, Body("vendor-1", "WY")));
        Assert.Equal(("pending", "unmatched"), (unmatched.Str("status"), unmatched.Str("last_reason")));
        Assert.Equal(1, unmatched.Long("attempts"));

        var id = unmatched.Id("submission_id");
        await ApiDriver.Expect(HttpStatusCode.OK, api.Get($"/api/v1/routing/leads/{id}", source));
        await ApiDriver.Expect(HttpStatusCode.NotFound, api.Get($"/api/v1/routing/leads/{id}", api.Tokens.Approver(partner)));
        await ApiDriver.Expect(HttpStatusCode.NotFound, api.Get($"/api/v1/routing/leads/{id}", api.Tokens.Admin(rival)));
        var own = await ApiDriver.Expect(HttpStatusCode.OK, api.Get("/api/v1/routing/leads?status=pending", source));
        Assert.Contains(own.Json.GetProperty("items").EnumerateArray(), s => s.GetProperty("submission_id").GetGuid() == id);
        var partners = await ApiDriver.Expect(HttpStatusCode.OK, api.Get("/api/v1/routing/leads", api.Tokens.Approver(partner)));
        Assert.Equal(0, partners.Json.GetProperty("items").GetArrayLength());

        await ApiDriver.Expect(HttpStatusCode.Conflict, api.Post($"/api/v1/platform/routing/dead-letters/{id}/retry", api.Tokens.Platform()));
        await ApiDriver.Expect(HttpStatusCode.Forbidden, api.Post($"/api/v1/platform/routing/dead-letters/{id}/retry", api.Tokens.For(Roles.PlatformOps, null)));
        await ApiDriver.Expect(HttpStatusCode.Forbidden, api.Get("/api/v1/platform/routing/rules", api.Tokens.Admin(partner)));
        await ApiDriver.Expect(HttpStatusCode.Forbidden, api.Post("/api/v1/routing/leads", api.Tokens.Ops(partner), Body("ops-1", "TX")));
        var invalid = await ApiDriver.Expect(HttpStatusCode.BadRequest, api.Post("/api/v1/routing/leads", source, new { source_reference = "bad", contact = new { } }));
        Assert.Contains("email", invalid.Text);
    }

    [Fact]
    public async Task Every_change_of_a_rule_is_audited_with_its_actor_and_a_rule_that_decided_a_submission_cannot_be_deleted()
    {
        var partner = await api.Workspace("partner");
        var destination = await api.Workspace("destination");
        var niche = (await api.Niche(destination)).Id("niche_id");
        var admin = api.Tokens.Platform();
        object Rule(int priority, bool enabled) => new
        {
            name = "audited", condition = $"attr('tag') == '{tag}'", priority, destination_workspace_id = destination, destination_niche_id = niche, enabled,
        };

        var rule = (await ApiDriver.Expect(HttpStatusCode.Created, api.Post("/api/v1/platform/routing/rules", admin, Rule(5, enabled: true)))).Id("rule_id");
        await ApiDriver.Expect(HttpStatusCode.OK, api.Put($"/api/v1/platform/routing/rules/{rule}", admin, Rule(6, enabled: true)));
        await ApiDriver.Expect(HttpStatusCode.OK, api.Put($"/api/v1/platform/routing/rules/{rule}", admin, Rule(6, enabled: false)));
        await ApiDriver.Expect(HttpStatusCode.OK, api.Put($"/api/v1/platform/routing/rules/{rule}", admin, Rule(6, enabled: true)));
        var unused = (await ApiDriver.Expect(HttpStatusCode.Created, api.Post("/api/v1/platform/routing/rules", admin, Rule(1, enabled: false)))).Id("rule_id");
        await ApiDriver.Expect(HttpStatusCode.NoContent, api.Send(HttpMethod.Delete, $"/api/v1/platform/routing/rules/{unused}", admin));
        await ApiDriver.Expect(HttpStatusCode.NotFound, api.Send(HttpMethod.Delete, $"/api/v1/platform/routing/rules/{unused}", admin));

        Assert.Equal("routed", (await ApiDriver.Expect(HttpStatusCode.Accepted, api.Post("/api/v1/routing/leads", api.Tokens.Approver(partner),
            Body("audited-1", "TX")))).Str("status"));
        var inUse = await ApiDriver.Expect(HttpStatusCode.Conflict, api.Send(HttpMethod.Delete, $"/api/v1/platform/routing/rules/{rule}", admin));
        Assert.Contains("disable it instead", inUse.Text);

        var audit = await Db.Query<(string Action, string Actor, string Target, string Metadata, bool Platform)>(host, """
            SELECT action, actor, target_id, metadata::text, workspace_id IS NULL FROM audit_log
             WHERE target_type = 'routing_rule' AND target_id IN (@rule, @unused) ORDER BY id
            """, new { rule = rule.ToString(), unused = unused.ToString() });
        Assert.Equal(
            [("routing_rule.created", rule), ("routing_rule.updated", rule), ("routing_rule.disabled", rule), ("routing_rule.enabled", rule),
             ("routing_rule.created", unused), ("routing_rule.deleted", unused)],
            audit.Select(a => (a.Action, Guid.Parse(a.Target))));
        Assert.All(audit, a => Assert.Equal(("test-platform_admin", true), (a.Actor, a.Platform)));
        Assert.Contains("\"before\"", audit[1].Metadata);                   // an update shows the rule before and after
        Assert.Contains("\"priority\": 6", audit[1].Metadata);
        Assert.Contains("\"priority\": 5", audit[1].Metadata);
    }

    [Theory]
    [InlineData("1000000000! > 0")]
    [InlineData("Pow(2, 1000000) > 1")]
    [InlineData("zip like '%1%1%1%1%1%1%'")]
    [InlineData("System.Environment.Exit(1) == 1")]
    [InlineData("secret_field == 1")]
    public async Task A_malicious_or_runaway_condition_is_refused_when_the_rule_is_saved(string condition)
    {
        var destination = await api.Workspace("destination");
        var niche = await api.Niche(destination);

        var refused = await ApiDriver.Expect(HttpStatusCode.BadRequest, api.Post("/api/v1/platform/routing/rules", api.Tokens.Platform(), new
        {
            name = "evil", condition, priority = 1, destination_workspace_id = destination, destination_niche_id = niche.Id("niche_id"),
        }));

        Assert.True(refused.Json.GetProperty("errors").TryGetProperty("condition", out _), refused.Text);
        Assert.Equal(0, await Db.Scalar<int>(host, "SELECT count(*) FROM routing_rules WHERE condition = @condition", new { condition }));
    }

    private object Body(string reference, string state) => new
    {
        source_reference = reference,
        contact = new { first_name = "Ada", last_name = "Lovelace", email = $"{Guid.NewGuid():N}@leads.example.com", phone = ApiDriver.RandomPhone() },
        attributes = new { state, zip = "75201", tag, industry = "solar" },
    };
}
