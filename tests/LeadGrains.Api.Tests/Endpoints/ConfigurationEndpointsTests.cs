using System.Net;
using LeadGrains.Api.Tests.Infrastructure;

namespace LeadGrains.Api.Tests.Endpoints;

/// <summary>The happy path of the platform, niche, level, provider, money and subscription endpoints.</summary>
[Collection(ApiCollection.Name)]
public sealed class ConfigurationEndpointsTests(LocalApiHost host)
{
    private readonly ApiDriver api = new(host);

    [Fact]
    public async Task Platform_admin_creates_a_workspace()
    {
        var created = await ApiDriver.Expect(HttpStatusCode.Created, api.Post("/api/v1/platform/workspaces", api.Tokens.Platform(), new { name = "Acme Leads" }));

        Assert.Equal("Acme Leads", created.Str("name"));
        Assert.Equal(1, await Db.Scalar<int>(host, "SELECT count(*) FROM workspaces WHERE id = @id AND name = 'Acme Leads'", new { id = created.Id("workspace_id") }));
    }

    [Fact]
    public async Task Niches_and_levels_are_created_read_listed_and_changed()
    {
        var ws = await api.Workspace();
        var admin = api.Tokens.Admin(ws);
        var niche = await api.Niche(ws, "movers-dallas");
        var nicheId = niche.Id("niche_id");
        Assert.Equal("movers-dallas", niche.Str("name"));
        Assert.Equal(1, niche.Json.GetProperty("next_start_level_order_position").GetInt32());
        var levels = niche.Json.GetProperty("levels").EnumerateArray().ToList();
        Assert.Equal([1, 2, 3], levels.Select(l => l.GetProperty("order_position").GetInt32()));
        Assert.All(levels, l => Assert.True(l.GetProperty("is_active").GetBoolean()));

        var read = await ApiDriver.Expect(HttpStatusCode.OK, api.Get($"/api/v1/admin/niches/{nicheId}", api.Tokens.Ops(ws)));
        Assert.Equal(niche.Text, read.Text);

        var added = await ApiDriver.Expect(HttpStatusCode.Created, api.Post($"/api/v1/admin/niches/{nicheId}/levels", admin,
            new { name = "Budget", order_position = 4, max_recipients = 5, price_cents = 900, is_active = false }));
        Assert.Equal(4, added.Json.GetProperty("order_position").GetInt32());
        Assert.False(added.Json.GetProperty("is_active").GetBoolean());

        var changed = await ApiDriver.Expect(HttpStatusCode.OK, api.Patch($"/api/v1/admin/niches/{nicheId}/levels/{added.Id("level_id")}", admin,
            new { price_cents = 1100, is_active = true }));
        Assert.Equal(1100, changed.Long("price_cents"));
        Assert.True(changed.Json.GetProperty("is_active").GetBoolean());
        Assert.Equal("Budget", changed.Str("name"));

        await api.Niche(ws, "movers-austin");
        var first = await ApiDriver.Expect(HttpStatusCode.OK, api.Get("/api/v1/admin/niches?limit=1", admin));
        var cursor = first.Str("next_cursor");
        var second = await ApiDriver.Expect(HttpStatusCode.OK, api.Get($"/api/v1/admin/niches?limit=1&cursor={cursor}", admin));
        Assert.Equal(["movers-dallas", "movers-austin"],
            new[] { first, second }.Select(p => p.Json.GetProperty("items")[0].GetProperty("name").GetString()));
        Assert.Equal(4, first.Json.GetProperty("items")[0].GetProperty("levels").GetArrayLength());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, second.Json.GetProperty("next_cursor").ValueKind);

        var actions = await Db.Query<string>(host, "SELECT action FROM audit_log WHERE workspace_id = @ws AND actor = 'test-admin' ORDER BY id", new { ws });
        Assert.Equal(["niche.created", "level.created", "level.updated", "niche.created"], actions);
        var change = await Db.Scalar<string>(host, "SELECT metadata::text FROM audit_log WHERE workspace_id = @ws AND action = 'level.updated'", new { ws });
        Assert.Contains("\"before\"", change);
        Assert.Contains("\"price_cents\": 900", change);
        Assert.Contains("\"price_cents\": 1100", change);
    }

    [Fact]
    public async Task Providers_get_money_subscriptions_and_a_ledger()
    {
        var ws = await api.Workspace();
        var admin = api.Tokens.Admin(ws);
        var niche = await api.Niche(ws);
        var level = niche.Json.GetProperty("levels")[1].GetProperty("level_id").GetGuid();

        var created = await ApiDriver.Expect(HttpStatusCode.Created, api.Post("/api/v1/admin/providers", admin,
            new { name = "ABC Movers", email = "sales@abc-movers.example.com", webhook_url = "https://abc-movers.example.com/hook" }));
        var provider = created.Id("provider_id");
        Assert.Equal("active", created.Str("status"));
        Assert.Equal(0, created.Long("balance_cents"));
        Assert.Equal("https://abc-movers.example.com/hook", created.Str("webhook_url"));

        var deposit = await ApiDriver.Expect(HttpStatusCode.Created, api.Post($"/api/v1/admin/providers/{provider}/deposits", admin,
            new { amount_cents = 10_000, reference = "wire 42" }, new Dictionary<string, string> { ["Idempotency-Key"] = "dep-1" }));
        Assert.Equal(provider, deposit.Id("provider_id"));
        Assert.Equal(10_000, deposit.Long("amount_cents"));
        Assert.Equal(10_000, deposit.Long("balance_cents"));
        await api.Deposit(ws, provider, 2_500);

        var subscription = await ApiDriver.Expect(HttpStatusCode.Created, api.Post($"/api/v1/admin/providers/{provider}/subscriptions", admin,
            new { level_id = level, filters = new { states = new[] { "TX", "OK" } } }));
        var subscriptionId = subscription.Id("subscription_id");
        Assert.Equal(level, subscription.Id("level_id"));
        Assert.Equal(niche.Id("niche_id"), subscription.Id("niche_id"));
        Assert.Equal("active", subscription.Str("status"));
        Assert.Equal(System.Text.Json.JsonValueKind.Null, subscription.Json.GetProperty("last_received_at").ValueKind);
        Assert.Equal(["TX", "OK"], subscription.Json.GetProperty("filters").GetProperty("states").EnumerateArray().Select(s => s.GetString()));

        var paused = await ApiDriver.Expect(HttpStatusCode.OK, api.Patch($"/api/v1/admin/subscriptions/{subscriptionId}", admin, new { status = "paused" }));
        Assert.Equal("paused", paused.Str("status"));
        var refiltered = await ApiDriver.Expect(HttpStatusCode.OK, api.Patch($"/api/v1/admin/subscriptions/{subscriptionId}", admin,
            new { status = "active", filters = new { states = new[] { "CA" } } }));
        Assert.Equal("active", refiltered.Str("status"));
        Assert.Equal(["CA"], refiltered.Json.GetProperty("filters").GetProperty("states").EnumerateArray().Select(s => s.GetString()));

        var renamed = await ApiDriver.Expect(HttpStatusCode.OK, api.Patch($"/api/v1/admin/providers/{provider}", admin, new { name = "ABC Movers LLC", status = "inactive" }));
        Assert.Equal("ABC Movers LLC", renamed.Str("name"));
        Assert.Equal("inactive", renamed.Str("status"));

        var read = await ApiDriver.Expect(HttpStatusCode.OK, api.Get($"/api/v1/admin/providers/{provider}", api.Tokens.Ops(ws)));
        Assert.Equal(12_500, read.Long("balance_cents"));
        Assert.Equal(subscriptionId, read.Json.GetProperty("subscriptions")[0].GetProperty("subscription_id").GetGuid());

        var ledger = await ApiDriver.Expect(HttpStatusCode.OK, api.Get($"/api/v1/admin/providers/{provider}/ledger?page=1&limit=1", admin));
        Assert.Equal(2, ledger.Long("total"));
        Assert.Equal(1, ledger.Json.GetProperty("page").GetInt32());
        Assert.Equal(1, ledger.Json.GetProperty("limit").GetInt32());
        var entry = ledger.Json.GetProperty("items")[0];
        Assert.Equal("deposit", entry.GetProperty("kind").GetString());
        Assert.Equal(2_500, entry.GetProperty("amount_cents").GetInt64());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, entry.GetProperty("lead_id").ValueKind);
        Assert.True(entry.TryGetProperty("created_at", out _) && entry.TryGetProperty("assignment_id", out _) && entry.TryGetProperty("entry_id", out _));

        var actions = await Db.Query<string>(host, "SELECT action FROM audit_log WHERE workspace_id = @ws AND actor = 'test-admin' ORDER BY id", new { ws });
        Assert.Equal(["niche.created", "provider.created", "provider.deposit", "provider.deposit", "subscription.created",
            "subscription.updated", "subscription.updated", "provider.updated"], actions);
    }
}
