using System.Net;
using System.Text.Json;
using LeadGrains.Api.Tests.Infrastructure;

namespace LeadGrains.Api.Tests.Endpoints;

/// <summary>The happy path of intake, lead pages, approval, distribution (seed endpoints), import and provider self-service.</summary>
[Collection(ApiCollection.Name)]
public sealed class LeadEndpointsTests(LocalApiHost host)
{
    private readonly ApiDriver api = new(host);

    private sealed record Market(Guid Workspace, Guid Niche, Guid[] Levels, Guid[] Providers);

    /// <summary>A niche with three levels and one funded Texas provider per level.</summary>
    private async Task<Market> NewMarket()
    {
        var ws = await api.Workspace();
        var niche = await api.Niche(ws);
        var levels = niche.Json.GetProperty("levels").EnumerateArray().Select(l => l.GetProperty("level_id").GetGuid()).ToArray();
        var providers = new Guid[3];
        for (var i = 0; i < 3; i++)
        {
            providers[i] = await api.Provider(ws, $"Provider {i}", depositCents: 100_000);
            await api.Subscribe(ws, providers[i], levels[i], "TX");
        }
        return new Market(ws, niche.Id("niche_id"), levels, providers);
    }

    [Fact]
    public async Task A_lead_is_submitted_approved_distributed_and_its_assignments_listed()
    {
        var market = await NewMarket();
        var ws = market.Workspace;
        var admin = api.Tokens.Admin(ws);

        var submitted = await ApiDriver.Expect(HttpStatusCode.Created, api.Post("/api/v1/leads", api.Tokens.Approver(ws),
            ApiDriver.LeadBody(market.Niche, "grace.hopper@leads.example.com", "(214) 555-0142")));
        var lead = submitted.Id("lead_id");
        Assert.Equal("pending", submitted.Str("status"));
        Assert.False(submitted.Json.TryGetProperty("duplicate_of", out _));

        var duplicate = await ApiDriver.Expect(HttpStatusCode.Created, api.Post("/api/v1/leads", admin,
            ApiDriver.LeadBody(market.Niche, "Grace.Hopper@leads.example.com", "214-555-0142")));
        Assert.Equal("duplicate", duplicate.Str("status"));
        Assert.Equal(lead, duplicate.Id("duplicate_of"));

        var detail = await ApiDriver.Expect(HttpStatusCode.OK, api.Get($"/api/v1/admin/leads/{lead}", api.Tokens.Ops(ws)));
        Assert.Equal(market.Niche, detail.Id("niche_id"));
        Assert.Equal("grace.hopper@leads.example.com", detail.Json.GetProperty("contact").GetProperty("email").GetString());
        Assert.Equal("+12145550142", detail.Json.GetProperty("contact").GetProperty("phone").GetString());
        Assert.Equal("TX", detail.Json.GetProperty("attributes").GetProperty("state").GetString());
        Assert.Equal("kitchen", detail.Json.GetProperty("attributes").GetProperty("project").GetString());
        Assert.Equal(0, detail.Json.GetProperty("distribution_attempts").GetInt32());
        Assert.True(detail.Json.GetProperty("expires_at").GetDateTime() > DateTime.UtcNow.AddDays(89));

        var pending = await ApiDriver.Expect(HttpStatusCode.OK, api.Get($"/api/v1/admin/leads?status=pending&niche_id={market.Niche}", admin));
        Assert.Equal([lead], pending.Json.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("lead_id").GetGuid()));
        Assert.False(pending.Json.GetProperty("items")[0].TryGetProperty("contact", out _));

        var approved = await ApiDriver.Expect(HttpStatusCode.OK, api.Post($"/api/v1/admin/leads/{lead}/approve", admin));
        Assert.Equal(lead, approved.Id("lead_id"));
        Assert.Contains(approved.Str("status"), new[] { "approved", "distributed" });
        Assert.Equal("queued", approved.Str("distribution"));

        var status = await api.AwaitDistribution(ws, lead);
        Assert.Equal("distributed", status.Str("lead_status"));
        Assert.Equal("success", status.Str("last_attempt_status"));
        Assert.Equal(3, status.Json.GetProperty("assignments_created").GetInt32());
        Assert.Equal(1, status.Json.GetProperty("start_level_order_position").GetInt32());
        Assert.Equal(JsonValueKind.Array, status.Json.GetProperty("skipped").ValueKind);
        Assert.Contains("3 assignment", status.Str("notes"));
        Assert.NotEqual(JsonValueKind.Null, status.Json.GetProperty("last_attempt_at").ValueKind);

        var again = await ApiDriver.Expect(HttpStatusCode.OK, api.Post($"/api/v1/admin/leads/{lead}/distribute", admin));
        Assert.Equal("completed", again.Str("status"));
        Assert.Equal(1, await Db.Scalar<int>(host, "SELECT count(*) FROM audit_log WHERE lead_id = @lead AND action = 'lead.approved' AND actor = 'test-admin'", new { lead }));

        var assignments = await ApiDriver.Expect(HttpStatusCode.OK, api.Get($"/api/v1/admin/leads/{lead}/assignments?page=1&limit=2", admin));
        Assert.Equal(3, assignments.Long("total"));
        Assert.Equal(2, assignments.Json.GetProperty("items").GetArrayLength());
        var first = assignments.Json.GetProperty("items")[0];
        Assert.Equal(first.GetProperty("price_charged_cents").GetInt64() / 100m, first.GetProperty("price_charged").GetDecimal());
        Assert.StartsWith("Provider ", first.GetProperty("provider_name").GetString());
        Assert.StartsWith("Level ", first.GetProperty("level_name").GetString());
        var times = assignments.Json.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("assigned_at").GetDateTime()).ToList();
        Assert.Equal(times.OrderByDescending(t => t), times);

        var provider = market.Providers[0];
        var me = await ApiDriver.Expect(HttpStatusCode.OK, api.Get("/api/v1/provider/me", api.Tokens.Provider(ws, provider)));
        Assert.Equal(provider, me.Id("provider_id"));
        Assert.Equal(100_000 - 4_000, me.Long("balance_cents"));
        Assert.Equal(1, me.Json.GetProperty("subscriptions").GetArrayLength());
        var mine = await ApiDriver.Expect(HttpStatusCode.OK, api.Get("/api/v1/provider/assignments?limit=10", api.Tokens.Provider(ws, provider)));
        var assignment = mine.Json.GetProperty("items")[0];
        Assert.Equal(lead, assignment.GetProperty("lead_id").GetGuid());
        Assert.Equal("grace.hopper@leads.example.com", assignment.GetProperty("contact").GetProperty("email").GetString());
        Assert.Equal(4_000, assignment.GetProperty("price_charged_cents").GetInt64());
        var ledger = await ApiDriver.Expect(HttpStatusCode.OK, api.Get("/api/v1/provider/ledger", api.Tokens.Provider(ws, provider)));
        Assert.Equal(["charge", "deposit"], ledger.Json.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("kind").GetString()));
        Assert.Equal(lead, ledger.Json.GetProperty("items")[0].GetProperty("lead_id").GetGuid());
    }

    [Fact]
    public async Task Leads_are_rejected_and_refused_transitions_answer_clearly()
    {
        var market = await NewMarket();
        var admin = api.Tokens.Admin(market.Workspace);
        var lead = await api.Lead(market.Workspace, market.Niche);

        var notYet = await ApiDriver.Expect(HttpStatusCode.BadRequest, api.Post($"/api/v1/admin/leads/{lead}/distribute", admin));
        Assert.Contains("pending", notYet.Text);

        var rejected = await ApiDriver.Expect(HttpStatusCode.OK, api.Post($"/api/v1/admin/leads/{lead}/reject", admin, new { reason = "test lead" }));
        Assert.Equal("rejected", rejected.Str("status"));
        Assert.Equal(1, await Db.Scalar<int>(host, "SELECT count(*) FROM audit_log WHERE lead_id = @lead AND action = 'lead.rejected' AND actor = 'test-admin'", new { lead }));
        await ApiDriver.Expect(HttpStatusCode.Conflict, api.Post($"/api/v1/admin/leads/{lead}/approve", admin));
        await ApiDriver.Expect(HttpStatusCode.BadRequest, api.Post($"/api/v1/admin/leads/{lead}/distribute", admin));
        var detail = await ApiDriver.Expect(HttpStatusCode.OK, api.Get($"/api/v1/admin/leads/{lead}", admin));
        Assert.Equal("test lead", detail.Str("rejection_reason"));

        var status = await ApiDriver.Expect(HttpStatusCode.OK, api.Get($"/api/v1/admin/leads/{lead}/distribution-status", admin));
        Assert.Equal("none", status.Str("last_attempt_status"));
        Assert.Equal(0, status.Json.GetProperty("assignments_created").GetInt32());
        var none = await ApiDriver.Expect(HttpStatusCode.OK, api.Get($"/api/v1/admin/leads/{lead}/assignments", admin));
        Assert.Equal(0, none.Long("total"));
    }

    [Fact]
    public async Task Distribute_queues_a_failed_lead_again_and_answers_202()
    {
        var market = await NewMarket();
        var (lead, _) = await QueueEndpointsTests.DeadLetter(api, market.Workspace, market.Niche);

        var queued = await ApiDriver.Expect(HttpStatusCode.Accepted, api.Post($"/api/v1/admin/leads/{lead}/distribute", api.Tokens.Admin(market.Workspace)));

        Assert.Equal(lead, queued.Id("lead_id"));
        Assert.Equal("queued", queued.Str("status"));
        Assert.Equal("Distribution job queued successfully", queued.Str("message"));
        var status = await api.AwaitDistribution(market.Workspace, lead);
        Assert.Equal("distributed", status.Str("lead_status"));
        Assert.Equal(3, status.Json.GetProperty("assignments_created").GetInt32());
    }

    [Fact]
    public async Task The_lead_list_pages_newest_first_by_cursor()
    {
        var market = await NewMarket();
        var ids = new List<Guid>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add(await api.Lead(market.Workspace, market.Niche));
        }
        var seen = new List<Guid>();
        string? cursor = null;
        do
        {
            var page = await ApiDriver.Expect(HttpStatusCode.OK, api.Get($"/api/v1/admin/leads?limit=2{(cursor is null ? "" : "&cursor=" + cursor)}", api.Tokens.Ops(market.Workspace)));
            seen.AddRange(page.Json.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("lead_id").GetGuid()));
            cursor = page.Json.GetProperty("next_cursor").GetString();
        }
        while (cursor is not null);

        ids.Reverse();
        Assert.Equal(ids, seen);
    }

    [Fact]
    public async Task A_csv_file_of_leads_is_imported_with_a_report()
    {
        var market = await NewMarket();
        var ws = market.Workspace;
        var csv = string.Join("\n",
            "lead_id,niche_id,workspace_id,state,email,phone,first_name,last_name",
            $"{Guid.NewGuid()},{market.Niche},{ws},TX,{Guid.NewGuid():N}@import.example.com,2145550101,Ann,Ames",
            $"{Guid.NewGuid()},{market.Niche},{ws},TX,{Guid.NewGuid():N}@import.example.com,2145550102,Ben,Bell",
            $"{Guid.NewGuid()},{market.Niche},{ws},ZZ,{Guid.NewGuid():N}@import.example.com,2145550103,Cleo,Cruz",
            $"{Guid.NewGuid()},{market.Niche},{Guid.NewGuid()},TX,{Guid.NewGuid():N}@import.example.com,2145550104,Dan,Diaz") + "\n";

        var report = await ApiDriver.Expect(HttpStatusCode.OK, api.Send(HttpMethod.Post, "/api/v1/admin/leads/import", api.Tokens.Admin(ws), rawBody: csv, contentType: "text/csv"));

        Assert.Equal(2, report.Json.GetProperty("accepted").GetInt32());
        Assert.Equal(0, report.Json.GetProperty("duplicates").GetInt32());
        var rejected = report.Json.GetProperty("rejected").EnumerateArray().ToList();
        Assert.Equal([4L, 5L], rejected.Select(r => r.GetProperty("line").GetInt64()));
        Assert.All(rejected, r => Assert.False(string.IsNullOrEmpty(r.GetProperty("reason").GetString())));
        Assert.Equal(2, await Db.Scalar<int>(host, "SELECT count(*) FROM leads WHERE workspace_id = @ws", new { ws }));
        Assert.Equal(1, await Db.Scalar<int>(host, "SELECT count(*) FROM audit_log WHERE workspace_id = @ws AND action = 'leads.imported'", new { ws }));
    }
}
