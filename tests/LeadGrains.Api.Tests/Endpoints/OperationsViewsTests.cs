using System.Net;
using System.Text.Json;
using LeadGrains.Api.Tests.Infrastructure;

namespace LeadGrains.Api.Tests.Endpoints;

/// <summary>The operator's read views: audit log, scheduled jobs, reconciliation result, fairness per level.</summary>
[Collection(ApiCollection.Name)]
public sealed class OperationsViewsTests(LocalApiHost host)
{
    private readonly ApiDriver api = new(host);

    [Fact]
    public async Task The_audit_log_is_filtered_paged_by_cursor_and_scoped_to_the_workspace()
    {
        var ws = await api.Workspace();
        var other = await api.Workspace();
        await api.Niche(ws);
        await api.Niche(ws);
        await api.Niche(other);
        var ops = api.Tokens.Ops(ws);

        var first = await ApiDriver.Expect(HttpStatusCode.OK, api.Get("/api/v1/admin/audit?action=niche.created&limit=1", ops));
        var second = await ApiDriver.Expect(HttpStatusCode.OK, api.Get($"/api/v1/admin/audit?action=niche.created&limit=1&cursor={first.Str("next_cursor")}", ops));

        var firstItem = first.Json.GetProperty("items").EnumerateArray().Single();
        var secondItem = second.Json.GetProperty("items").EnumerateArray().Single();
        Assert.Equal("niche.created", firstItem.GetProperty("action").GetString());
        Assert.True(firstItem.GetProperty("id").GetInt64() > secondItem.GetProperty("id").GetInt64(), "newest first");
        Assert.Equal("niche", secondItem.GetProperty("target_type").GetString());
        Assert.Equal(JsonValueKind.Null, second.Json.GetProperty("next_cursor").ValueKind);   // two niches, the other workspace's not among them
        var future = await ApiDriver.Expect(HttpStatusCode.OK, api.Get($"/api/v1/admin/audit?from={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddHours(1).ToString("O"))}", ops));
        Assert.Empty(future.Json.GetProperty("items").EnumerateArray());
    }

    [Theory]
    [InlineData("cursor=not-a-cursor", "cursor")]
    [InlineData("from=yesterday", "from")]
    [InlineData("from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z", "to")]
    [InlineData("lead_id=42", "lead_id")]
    [InlineData("limit=501", "limit")]
    public async Task A_bad_audit_filter_is_a_400_naming_the_field(string query, string field)
    {
        var ws = await api.Workspace();

        var answer = await ApiDriver.Expect(HttpStatusCode.BadRequest, api.Get($"/api/v1/admin/audit?{query}", api.Tokens.Ops(ws)));

        Assert.True(answer.Json.GetProperty("errors").TryGetProperty(field, out _), answer.ToString());
    }

    [Fact]
    public async Task Jobs_show_their_schedule_and_an_admin_with_mfa_runs_one_now()
    {
        var ws = await api.Workspace();
        var list = await ApiDriver.Expect(HttpStatusCode.OK, api.Get("/api/v1/admin/jobs", api.Tokens.Ops(ws)));
        var names = list.Json.GetProperty("items").EnumerateArray().Select(j => j.GetProperty("name").GetString()).ToList();
        Assert.Contains("ledger-reconciliation", names);
        Assert.Contains("subscription-reactivation", names);
        Assert.All(list.Json.GetProperty("items").EnumerateArray(), job =>
        {
            Assert.True(job.GetProperty("period_seconds").GetInt64() > 0);
            Assert.True(job.GetProperty("next_run_at").GetDateTime() > DateTime.UtcNow.AddSeconds(-5));
        });
        var before = (await ApiDriver.Expect(HttpStatusCode.OK, api.Get("/api/v1/admin/jobs/lead-expiry", api.Tokens.Ops(ws)))).Long("runs");

        await ApiDriver.Expect(HttpStatusCode.Forbidden, api.Post("/api/v1/admin/jobs/lead-expiry/run", api.Tokens.Ops(ws)));
        await ApiDriver.Expect(HttpStatusCode.Forbidden, api.Post("/api/v1/admin/jobs/lead-expiry/run", api.Tokens.AdminWithoutMfa(ws)));
        var ran = await ApiDriver.Expect(HttpStatusCode.OK, api.Post("/api/v1/admin/jobs/lead-expiry/run", api.Tokens.Admin(ws)));

        Assert.Equal(before + 1, ran.Long("runs"));
        Assert.NotNull(ran.Json.GetProperty("last_outcome").GetString());
        var audited = await ApiDriver.Expect(HttpStatusCode.OK, api.Get("/api/v1/admin/audit?action=job.run_now&target_id=lead-expiry", api.Tokens.Ops(ws)));
        Assert.Single(audited.Json.GetProperty("items").EnumerateArray());
        await ApiDriver.Expect(HttpStatusCode.NotFound, api.Get("/api/v1/admin/jobs/no-such-job", api.Tokens.Ops(ws)));
        await ApiDriver.Expect(HttpStatusCode.NotFound, api.Post("/api/v1/admin/jobs/no-such-job/run", api.Tokens.Admin(ws)));
    }

    [Fact]
    public async Task The_reconciliation_reports_a_broken_balance_to_its_workspace_only()
    {
        var ws = await api.Workspace();
        var other = await api.Workspace();
        var provider = await api.Provider(ws, "Drifting", depositCents: 10_000);
        // A balance that no longer matches its ledger: what the reconciliation is there to catch.
        await Db.Execute(host, "UPDATE providers SET balance_cents = balance_cents + 1 WHERE id = @provider", new { provider });
        try
        {
            await ApiDriver.Expect(HttpStatusCode.OK, api.Post("/api/v1/admin/jobs/ledger-reconciliation/run", api.Tokens.Admin(ws)));
        }
        finally
        {
            await Db.Execute(host, "UPDATE providers SET balance_cents = balance_cents - 1 WHERE id = @provider", new { provider });
        }

        var result = await ApiDriver.Expect(HttpStatusCode.OK, api.Get("/api/v1/admin/reconciliation", api.Tokens.Ops(ws)));
        var elsewhere = await ApiDriver.Expect(HttpStatusCode.OK, api.Get("/api/v1/admin/reconciliation", api.Tokens.Ops(other)));

        var discrepancy = result.Json.GetProperty("discrepancies").EnumerateArray().First();
        Assert.Equal(provider.ToString(), discrepancy.GetProperty("subject_id").GetString());
        Assert.Equal("I1", discrepancy.GetProperty("invariant").GetString());
        Assert.True(result.Json.GetProperty("job").GetProperty("runs").GetInt64() >= 1);
        Assert.Empty(elsewhere.Json.GetProperty("discrepancies").EnumerateArray());
    }

    [Fact]
    public async Task Fairness_per_level_counts_each_providers_share_with_spread_and_jains_index()
    {
        var ws = await api.Workspace();
        var niche = await api.Niche(ws, levels: 1);
        var nicheId = niche.Id("niche_id");
        var level = niche.Json.GetProperty("levels")[0].GetProperty("level_id").GetGuid();
        var providers = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            providers.Add(await api.Provider(ws, $"Buyer {i}", depositCents: 100_000));
            await api.Subscribe(ws, providers[^1], level, "TX");
        }
        for (var i = 0; i < 6; i++)
        {
            var lead = await api.Lead(ws, nicheId);
            await ApiDriver.Expect(HttpStatusCode.OK, api.Post($"/api/v1/admin/leads/{lead}/approve", api.Tokens.Admin(ws)));
            await api.AwaitDistribution(ws, lead);
        }

        var report = await ApiDriver.Expect(HttpStatusCode.OK, api.Get($"/api/v1/admin/niches/{nicheId}/fairness", api.Tokens.Ops(ws)));

        var only = report.Json.GetProperty("levels").EnumerateArray().Single();
        Assert.Equal(3, only.GetProperty("eligible_providers").GetInt32());
        Assert.Equal(6, only.GetProperty("assignments").GetInt64());
        Assert.Equal(0, only.GetProperty("spread").GetInt64());
        Assert.Equal(1.0, only.GetProperty("jains_index").GetDouble(), precision: 9);
        Assert.All(only.GetProperty("providers").EnumerateArray(), p => Assert.Equal(2, p.GetProperty("assignments").GetInt64()));
    }

    [Fact]
    public async Task Fairness_of_another_workspaces_niche_is_not_found_and_a_bad_period_is_a_400()
    {
        var ws = await api.Workspace();
        var other = await api.Workspace();
        var theirs = (await api.Niche(other)).Id("niche_id");
        var ours = (await api.Niche(ws)).Id("niche_id");
        var ops = api.Tokens.Ops(ws);

        await ApiDriver.Expect(HttpStatusCode.NotFound, api.Get($"/api/v1/admin/niches/{theirs}/fairness", ops));
        await ApiDriver.Expect(HttpStatusCode.BadRequest, api.Get($"/api/v1/admin/niches/{ours}/fairness?from=2026-01-01T00:00:00Z&to=2026-06-01T00:00:00Z", ops));
        await ApiDriver.Expect(HttpStatusCode.BadRequest, api.Get("/api/v1/admin/niches/not-a-uuid/fairness", ops));
    }
}
