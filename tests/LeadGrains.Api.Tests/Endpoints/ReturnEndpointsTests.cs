using System.Net;
using System.Text.Json;
using LeadGrains.Api.Tests.Infrastructure;

namespace LeadGrains.Api.Tests.Endpoints;

/// <summary>
/// Bad-lead returns over HTTP: a provider asks, an admin approves (refunding once) or rejects, the
/// workspace sets its rules; bad input changes nothing, and nothing crosses workspaces or providers.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class ReturnEndpointsTests(LocalApiHost host)
{
    private readonly ApiDriver api = new(host);

    /// <summary>A workspace where a provider has bought one lead: ids and the price it paid.</summary>
    public sealed record Purchase(Guid Workspace, Guid Niche, Guid Provider, Guid Lead, Guid Assignment, long PriceCents, string ProviderToken);

    public static async Task<Purchase> Bought(ApiDriver api, string providerName = "Returner", Guid? workspace = null)
    {
        var ws = workspace ?? await api.Workspace("returns");
        var niche = await api.Niche(ws, levels: 1);
        var level = niche.Json.GetProperty("levels")[0];
        var provider = await api.Provider(ws, providerName, depositCents: 100_000);
        await api.Subscribe(ws, provider, level.GetProperty("level_id").GetGuid(), "TX");
        var lead = await api.Lead(ws, niche.Id("niche_id"));
        await ApiDriver.Expect(HttpStatusCode.OK, api.Post($"/api/v1/admin/leads/{lead}/approve", api.Tokens.Admin(ws)));
        await api.AwaitDistribution(ws, lead);
        var token = api.Tokens.Provider(ws, provider);
        var mine = await ApiDriver.Expect(HttpStatusCode.OK, api.Get("/api/v1/provider/assignments", token));
        var assignment = mine.Json.GetProperty("items").EnumerateArray().Single(a => a.GetProperty("lead_id").GetGuid() == lead);
        return new Purchase(ws, niche.Id("niche_id"), provider, lead, assignment.GetProperty("assignment_id").GetGuid(),
            level.GetProperty("price_cents").GetInt64(), token);
    }

    private Task<Answer> RequestReturn(Purchase p, string reason = "wrong_contact", string? note = "disconnected number", string? token = null,
        IReadOnlyDictionary<string, string>? headers = null) =>
        api.Post("/api/v1/provider/returns", token ?? p.ProviderToken, new { assignment_id = p.Assignment, reason, note }, headers);

    private async Task<long> Balance(Purchase p) =>
        (await ApiDriver.Expect(HttpStatusCode.OK, api.Get("/api/v1/provider/me", p.ProviderToken))).Long("balance_cents");

    [Fact]
    public async Task A_provider_returns_a_lead_an_admin_approves_and_the_refund_is_in_its_ledger_once()
    {
        var p = await Bought(api);
        var admin = api.Tokens.Admin(p.Workspace);

        var requested = await ApiDriver.Expect(HttpStatusCode.Created, RequestReturn(p));
        var returnId = requested.Id("return_id");
        Assert.Equal(("pending", "review_required"), (requested.Str("status"), requested.Str("review_reason")));
        var pending = await ApiDriver.Expect(HttpStatusCode.OK, api.Get("/api/v1/admin/returns?status=pending", api.Tokens.Ops(p.Workspace)));
        Assert.Equal(returnId, pending.Json.GetProperty("items").EnumerateArray().Single().GetProperty("return_id").GetGuid());

        var approved = await ApiDriver.Expect(HttpStatusCode.OK, api.Post($"/api/v1/admin/returns/{returnId}/approve", admin, new { note = "confirmed" }));
        var again = await ApiDriver.Expect(HttpStatusCode.OK, api.Post($"/api/v1/admin/returns/{returnId}/approve", admin));
        var reject = await ApiDriver.Expect(HttpStatusCode.Conflict, api.Post($"/api/v1/admin/returns/{returnId}/reject", admin));

        Assert.Equal(100_000, approved.Long("balance_cents"));
        var refund = approved.Json.GetProperty("return");
        Assert.Equal("approved", refund.GetProperty("status").GetString());
        Assert.Equal(p.PriceCents, refund.GetProperty("refunded_cents").GetInt64());
        Assert.Equal(refund.GetProperty("refund_entry_id").GetGuid(), again.Json.GetProperty("return").GetProperty("refund_entry_id").GetGuid());
        Assert.Contains("cannot be rejected", reject.Text);
        Assert.Equal(100_000, await Balance(p));
        var ledger = await ApiDriver.Expect(HttpStatusCode.OK, api.Get("/api/v1/provider/ledger", p.ProviderToken));
        var refunds = ledger.Json.GetProperty("items").EnumerateArray().Where(e => e.GetProperty("kind").GetString() == "refund").ToList();
        Assert.Equal(p.PriceCents, Assert.Single(refunds).GetProperty("amount_cents").GetInt64());
        Assert.Equal(p.Assignment, refunds[0].GetProperty("assignment_id").GetGuid());
        var mine = await ApiDriver.Expect(HttpStatusCode.OK, api.Get($"/api/v1/provider/returns/{returnId}", p.ProviderToken));
        Assert.Equal(("approved", "confirmed"), (mine.Str("status"), mine.Str("decision_note")));
        Assert.False(mine.Json.TryGetProperty("decided_by", out _));
    }

    [Fact]
    public async Task Ten_concurrent_approvals_over_http_refund_once()
    {
        var p = await Bought(api);
        var returnId = (await ApiDriver.Expect(HttpStatusCode.Created, RequestReturn(p))).Id("return_id");

        var answers = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ =>
            api.Post($"/api/v1/admin/returns/{returnId}/approve", api.Tokens.Admin(p.Workspace))));

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.Status));
        Assert.Single(answers.Select(a => a.Json.GetProperty("return").GetProperty("refund_entry_id").GetGuid()).Distinct());
        Assert.Equal(100_000, await Balance(p));
        Assert.Equal(1, await Db.Scalar<long>(host, "SELECT count(*) FROM ledger_entries WHERE kind = 'refund' AND assignment_id = @a", new { a = p.Assignment }));
    }

    [Fact]
    public async Task A_rejected_return_refunds_nothing_and_cannot_be_approved_or_asked_again()
    {
        var p = await Bought(api);
        var admin = api.Tokens.Admin(p.Workspace);
        var returnId = (await ApiDriver.Expect(HttpStatusCode.Created, RequestReturn(p))).Id("return_id");

        var rejected = await ApiDriver.Expect(HttpStatusCode.OK, api.Post($"/api/v1/admin/returns/{returnId}/reject", admin, new { note = "the lead answered" }));
        await ApiDriver.Expect(HttpStatusCode.OK, api.Post($"/api/v1/admin/returns/{returnId}/reject", admin));
        await ApiDriver.Expect(HttpStatusCode.Conflict, api.Post($"/api/v1/admin/returns/{returnId}/approve", admin));
        var askedAgain = await ApiDriver.Expect(HttpStatusCode.Conflict, RequestReturn(p, "duplicate"));

        Assert.Equal("rejected", rejected.Json.GetProperty("return").GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, rejected.Json.GetProperty("balance_cents").ValueKind);
        Assert.Contains("returned before", askedAgain.Text);
        Assert.Equal(100_000 - p.PriceCents, await Balance(p));
    }

    [Fact]
    public async Task Bad_requests_are_400s_naming_the_field_and_store_nothing()
    {
        var p = await Bought(api);
        var admin = api.Tokens.Admin(p.Workspace);

        var badReason = await ApiDriver.Expect(HttpStatusCode.BadRequest, RequestReturn(p, "because"));
        var longNote = await ApiDriver.Expect(HttpStatusCode.BadRequest, RequestReturn(p, note: new string('x', 2001)));
        var noAssignment = await ApiDriver.Expect(HttpStatusCode.BadRequest, api.Post("/api/v1/provider/returns", p.ProviderToken, new { reason = "duplicate" }));
        var unknownField = await ApiDriver.Expect(HttpStatusCode.BadRequest, api.Post("/api/v1/provider/returns", p.ProviderToken,
            new { assignment_id = p.Assignment, reason = "duplicate", refund_cents = 1 }));
        var badId = await ApiDriver.Expect(HttpStatusCode.BadRequest, api.Post("/api/v1/admin/returns/not-a-uuid/approve", admin));
        var badStatus = await ApiDriver.Expect(HttpStatusCode.BadRequest, api.Get("/api/v1/admin/returns?status=lost", admin));
        var badPolicy = await ApiDriver.Expect(HttpStatusCode.BadRequest, api.Send(HttpMethod.Put, "/api/v1/admin/returns/policy", admin, new
        {
            window_hours = 0, reasons = new[] { "Wrong Contact" }, auto_approve = true, auto_approve_max_returns = -1, auto_approve_max_rate_percent = 101, rate_period_hours = 24,
        }));

        Assert.Contains("reason", badReason.Json.GetProperty("errors").EnumerateObject().Select(e => e.Name));
        Assert.Contains("wrong_contact", badReason.Text);
        Assert.True(longNote.Json.GetProperty("errors").TryGetProperty("note", out _));
        Assert.True(noAssignment.Json.GetProperty("errors").TryGetProperty("assignment_id", out _));
        Assert.True(unknownField.Json.GetProperty("errors").TryGetProperty("refund_cents", out _));
        Assert.True(badId.Json.GetProperty("errors").TryGetProperty("return_id", out _));
        Assert.True(badStatus.Json.GetProperty("errors").TryGetProperty("status", out _));
        Assert.Equal(["auto_approve_max_rate_percent", "auto_approve_max_returns", "reasons[0]", "window_hours"],
            badPolicy.Json.GetProperty("errors").EnumerateObject().Select(e => e.Name).Order());
        Assert.Equal(0, await Db.Scalar<long>(host, "SELECT count(*) FROM lead_returns WHERE assignment_id = @a", new { a = p.Assignment }));
        Assert.Equal(0, await Db.Scalar<long>(host, "SELECT count(*) FROM workspace_return_policies WHERE workspace_id = @w", new { w = p.Workspace }));
    }

    [Fact]
    public async Task Nothing_crosses_workspaces_or_providers()
    {
        var p = await Bought(api, "First buyer");
        var other = await Bought(api, "Second buyer");
        var sameWorkspaceRival = await api.Provider(p.Workspace, "Rival");
        var rivalToken = api.Tokens.Provider(p.Workspace, sameWorkspaceRival);
        var returnId = (await ApiDriver.Expect(HttpStatusCode.Created, RequestReturn(p))).Id("return_id");

        await ApiDriver.Expect(HttpStatusCode.NotFound, api.Post($"/api/v1/admin/returns/{returnId}/approve", api.Tokens.Admin(other.Workspace)));
        await ApiDriver.Expect(HttpStatusCode.NotFound, api.Get($"/api/v1/admin/returns/{returnId}", api.Tokens.Ops(other.Workspace)));
        await ApiDriver.Expect(HttpStatusCode.NotFound, RequestReturn(p, token: other.ProviderToken));
        await ApiDriver.Expect(HttpStatusCode.NotFound, RequestReturn(p, token: rivalToken));
        await ApiDriver.Expect(HttpStatusCode.NotFound, api.Get($"/api/v1/provider/returns/{returnId}", rivalToken));
        var rivals = await ApiDriver.Expect(HttpStatusCode.OK, api.Get("/api/v1/provider/returns", rivalToken));
        var otherAdmins = await ApiDriver.Expect(HttpStatusCode.OK, api.Get("/api/v1/admin/returns", api.Tokens.Ops(other.Workspace)));

        Assert.Empty(rivals.Json.GetProperty("items").EnumerateArray());
        Assert.Empty(otherAdmins.Json.GetProperty("items").EnumerateArray());
        Assert.Equal("pending", await Db.Scalar<string>(host, "SELECT status FROM lead_returns WHERE id = @returnId", new { returnId }));
    }

    [Fact]
    public async Task The_workspace_sets_its_rules_and_auto_approval_refunds_at_once_within_the_limit()
    {
        var p = await Bought(api);
        var admin = api.Tokens.Admin(p.Workspace);
        var defaults = await ApiDriver.Expect(HttpStatusCode.OK, api.Get("/api/v1/admin/returns/policy", api.Tokens.Ops(p.Workspace)));
        Assert.Equal(72, defaults.Json.GetProperty("window_hours").GetInt32());
        Assert.False(defaults.Json.GetProperty("auto_approve").GetBoolean());

        await ApiDriver.Expect(HttpStatusCode.OK, api.Send(HttpMethod.Put, "/api/v1/admin/returns/policy", admin, new
        {
            window_hours = 48, reasons = new[] { "bad_phone", "duplicate" }, auto_approve = true, auto_approve_max_returns = 1, auto_approve_max_rate_percent = 100, rate_period_hours = 720,
        }));
        var rules = await ApiDriver.Expect(HttpStatusCode.OK, api.Get("/api/v1/provider/returns/rules", p.ProviderToken));
        var auto = await ApiDriver.Expect(HttpStatusCode.Created, RequestReturn(p, "bad_phone"));

        Assert.Equal(48, rules.Json.GetProperty("window_hours").GetInt32());
        Assert.Equal(["bad_phone", "duplicate"], rules.Json.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal(("approved", p.PriceCents), (auto.Str("status"), auto.Long("refunded_cents")));
        Assert.Equal(100_000, await Balance(p));
        Assert.Equal(1, await Db.Scalar<long>(host, "SELECT count(*) FROM audit_log WHERE action = 'return_policy.updated' AND workspace_id = @w", new { w = p.Workspace }));
    }

    [Fact]
    public async Task A_repeated_request_with_its_idempotency_key_is_answered_again_without_a_second_return()
    {
        var p = await Bought(api);
        var key = new Dictionary<string, string> { ["Idempotency-Key"] = Guid.NewGuid().ToString() };

        var first = await ApiDriver.Expect(HttpStatusCode.Created, RequestReturn(p, headers: key));
        var replay = await ApiDriver.Expect(HttpStatusCode.Created, RequestReturn(p, headers: key));

        Assert.Equal(first.Id("return_id"), replay.Id("return_id"));
        Assert.Equal("true", replay.Response.Headers.GetValues("Idempotent-Replayed").Single());
    }

    [Fact]
    public async Task Returned_leads_are_reported_per_provider_niche_and_reason_in_json_and_csv()
    {
        var p = await Bought(api, "Reported returner");
        var second = await Bought(api, "Second returner", p.Workspace);
        var admin = api.Tokens.Admin(p.Workspace);
        var first = (await ApiDriver.Expect(HttpStatusCode.Created, RequestReturn(p, "wrong_contact"))).Id("return_id");
        await ApiDriver.Expect(HttpStatusCode.Created, RequestReturn(second, "duplicate"));
        await ApiDriver.Expect(HttpStatusCode.OK, api.Post($"/api/v1/admin/returns/{first}/approve", admin));
        var ops = api.Tokens.Ops(p.Workspace);

        var byProvider = await ApiDriver.Expect(HttpStatusCode.OK, api.Get("/api/v1/admin/reports/returns?by=provider", ops));
        var byReason = await ApiDriver.Expect(HttpStatusCode.OK, api.Get("/api/v1/admin/reports/returns?by=reason", ops));
        var byNiche = await ApiDriver.Expect(HttpStatusCode.OK, api.Get($"/api/v1/admin/reports/returns?by=niche&niche_id={p.Niche}", ops));
        var csv = await ApiDriver.Expect(HttpStatusCode.OK, api.Get("/api/v1/admin/reports/returns?by=reason&format=csv", ops));
        await ApiDriver.Expect(HttpStatusCode.BadRequest, api.Get("/api/v1/admin/reports/returns?by=colour", ops));

        var providerRow = byProvider.Json.GetProperty("items").EnumerateArray().Single(r => r.GetProperty("key").GetString() == p.Provider.ToString());
        Assert.Equal(("Reported returner", 1L, 1L, p.PriceCents), (providerRow.GetProperty("name").GetString(), providerRow.GetProperty("requested").GetInt64(),
            providerRow.GetProperty("approved").GetInt64(), providerRow.GetProperty("refunded_cents").GetInt64()));
        Assert.Equal(["duplicate", "wrong_contact"], byReason.Json.GetProperty("items").EnumerateArray().Select(r => r.GetProperty("key").GetString()).Order());
        var nicheRow = byNiche.Json.GetProperty("items").EnumerateArray().Single();
        Assert.Equal((p.Niche.ToString(), 1L), (nicheRow.GetProperty("key").GetString(), nicheRow.GetProperty("requested").GetInt64()));
        Assert.Equal("text/csv", csv.ContentType);
        Assert.Equal(["key,requested,pending,approved,rejected,refunded_cents", $"duplicate,1,1,0,0,0", $"wrong_contact,1,0,1,0,{p.PriceCents}"],
            csv.Text.TrimEnd('\n').Split('\n').Take(1).Concat(csv.Text.TrimEnd('\n').Split('\n').Skip(1).Order()));
    }
}
