using System.Net;
using LeadGrains.Api.Tests.Infrastructure;

namespace LeadGrains.Api.Tests.Contract;

/// <summary>Idempotency-Key (docs/API.md): same key + same body → same answer, one effect; other body → 422; per workspace.</summary>
[Collection(ApiCollection.Name)]
public sealed class IdempotencyTests(LocalApiHost host)
{
    private readonly ApiDriver api = new(host);

    private static Dictionary<string, string> Key(string key) => new() { ["Idempotency-Key"] = key };

    [Fact]
    public async Task Twenty_concurrent_identical_deposits_make_one_deposit_and_one_answer()
    {
        var ws = await api.Workspace();
        var provider = await api.Provider(ws);
        var admin = api.Tokens.Admin(ws);

        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ =>
            api.Post($"/api/v1/admin/providers/{provider}/deposits", admin, new { amount_cents = 7_500, reference = "wire" }, Key("concurrent-1"))));

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.Created, a.Status));
        Assert.Single(answers.Select(a => a.Text).Distinct());
        Assert.Equal(7_500, answers[0].Long("balance_cents"));
        Assert.Equal(19, answers.Count(a => a.Response.Headers.TryGetValues("Idempotent-Replayed", out _)));
        Assert.Equal(1, await Db.Scalar<int>(host, "SELECT count(*) FROM ledger_entries WHERE provider_id = @provider", new { provider }));
        Assert.Equal(7_500, await Db.Scalar<long>(host, "SELECT balance_cents FROM providers WHERE id = @provider", new { provider }));
        Assert.Equal(1, await Db.Scalar<int>(host, "SELECT count(*) FROM audit_log WHERE action = 'provider.deposit' AND target_id = @id", new { id = provider.ToString() }));
    }

    [Fact]
    public async Task Twenty_concurrent_identical_lead_submissions_make_one_lead()
    {
        var ws = await api.Workspace();
        var niche = (await api.Niche(ws)).Id("niche_id");
        var body = ApiDriver.LeadBody(niche);

        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ =>
            api.Post("/api/v1/leads", api.Tokens.Approver(ws), body, Key("lead-intake-1"))));

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.Created, a.Status));
        Assert.Single(answers.Select(a => a.Text).Distinct());
        Assert.Equal("pending", answers[0].Str("status"));
        Assert.Equal(1, await Db.Scalar<int>(host, "SELECT count(*) FROM leads WHERE workspace_id = @ws", new { ws }));
    }

    [Fact]
    public async Task A_lead_key_reused_after_its_retention_makes_a_new_lead_and_within_it_the_same_one()
    {
        var ws = await api.Workspace();
        var niche = (await api.Niche(ws)).Id("niche_id");
        var first = await ApiDriver.Expect(HttpStatusCode.Created,
            api.Post("/api/v1/leads", api.Tokens.Approver(ws), ApiDriver.LeadBody(niche), Key("monthly-batch")));
        var firstLead = first.Id("lead_id");

        // A retry the key store has lost (released after a fault) reaches the same lead while the key is retained...
        await Db.Execute(host, "DELETE FROM api_idempotency_keys WHERE workspace_id = @ws", new { ws });
        var retry = await api.Post("/api/v1/leads", api.Tokens.Approver(ws), ApiDriver.LeadBody(niche), Key("monthly-batch"));
        // ...but once the key's retention is over (the cleanup job forgets keys older than 7 days), it is a new lead.
        await Db.Execute(host, "UPDATE leads SET created_at = created_at - interval '8 days' WHERE id = @firstLead", new { firstLead });
        await Db.Execute(host, "DELETE FROM api_idempotency_keys WHERE workspace_id = @ws", new { ws });
        var reused = await ApiDriver.Expect(HttpStatusCode.Created,
            api.Post("/api/v1/leads", api.Tokens.Approver(ws), ApiDriver.LeadBody(niche), Key("monthly-batch")));

        Assert.Equal(firstLead, retry.Id("lead_id"));
        Assert.NotEqual(firstLead, reused.Id("lead_id"));
        Assert.Equal("pending", reused.Str("status"));
        Assert.Equal(2, await Db.Scalar<int>(host, "SELECT count(*) FROM leads WHERE workspace_id = @ws", new { ws }));
    }

    [Fact]
    public async Task The_same_key_with_another_body_is_refused_and_changes_nothing()
    {
        var ws = await api.Workspace();
        var provider = await api.Provider(ws);
        var admin = api.Tokens.Admin(ws);
        var first = await ApiDriver.Expect(HttpStatusCode.Created,
            api.Post($"/api/v1/admin/providers/{provider}/deposits", admin, new { amount_cents = 1_000 }, Key("reused")));

        var other = await api.Post($"/api/v1/admin/providers/{provider}/deposits", admin, new { amount_cents = 2_000 }, Key("reused"));
        var replay = await api.Post($"/api/v1/admin/providers/{provider}/deposits", admin, new { amount_cents = 1_000 }, Key("reused"));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, other.Status);
        Assert.Equal("application/problem+json", other.ContentType);
        Assert.Equal(first.Text, replay.Text);
        Assert.Equal(HttpStatusCode.Created, replay.Status);
        Assert.Equal(1_000, await Db.Scalar<long>(host, "SELECT balance_cents FROM providers WHERE id = @provider", new { provider }));
    }

    [Fact]
    public async Task Keys_are_scoped_per_workspace()
    {
        var first = await api.Workspace();
        var second = await api.Workspace();
        var p1 = await api.Provider(first);
        var p2 = await api.Provider(second);

        await api.Deposit(first, p1, 1_000, key: "shared-key");
        var other = await api.Deposit(second, p2, 3_000, key: "shared-key");

        Assert.Equal(3_000, other.Long("balance_cents"));
        Assert.Equal(3_000, await Db.Scalar<long>(host, "SELECT balance_cents FROM providers WHERE id = @p2", new { p2 }));
    }

    [Fact]
    public async Task A_refused_request_does_not_use_up_its_key()
    {
        var ws = await api.Workspace();
        var provider = await api.Provider(ws);
        var admin = api.Tokens.Admin(ws);

        await ApiDriver.Expect(HttpStatusCode.BadRequest, api.Post($"/api/v1/admin/providers/{provider}/deposits", admin, new { amount_cents = -1 }, Key("retry-me")));
        var fixedUp = await api.Post($"/api/v1/admin/providers/{provider}/deposits", admin, new { amount_cents = 500 }, Key("retry-me"));

        Assert.Equal(HttpStatusCode.Created, fixedUp.Status);
    }
}
