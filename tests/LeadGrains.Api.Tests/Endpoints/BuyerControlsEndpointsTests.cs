using System.Net;
using LeadGrains.Api.Tests.Infrastructure;

namespace LeadGrains.Api.Tests.Endpoints;

/// <summary>
/// The buyers' controls through the API: an admin sets a subscription's caps, budgets, hours and the
/// provider's bounds and the provider's time zone; the provider pauses, resumes and edits within the
/// bounds. Bad input is a 400 naming the field and changes nothing.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class BuyerControlsEndpointsTests(LocalApiHost host)
{
    private readonly ApiDriver api = new(host);

    [Fact]
    public async Task An_admin_sets_caps_hours_and_bounds_and_reads_them_back_with_the_current_periods()
    {
        var (ws, provider, subscription) = await Subscription();
        var admin = api.Tokens.Admin(ws);
        await ApiDriver.Expect(HttpStatusCode.OK, api.Put($"/api/v1/admin/providers/{provider}/time-zone", admin, new { time_zone = "America/Chicago" }));

        var set = await ApiDriver.Expect(HttpStatusCode.OK, api.Put($"/api/v1/admin/subscriptions/{subscription}/controls", admin, new
        {
            caps = new { leads_per_day = 5, budget_cents_per_month = 100_000 },
            delivery_hours = new[] { new { day = "monday", from = "09:00", to = "17:00" }, new { day = "saturday", from = "00:00", to = "24:00" } },
            provider_bounds = new { max_caps = new { leads_per_day = 10 }, allowed_hours = (object?)null },
        }));

        Assert.Equal("America/Chicago", set.Str("time_zone"));
        Assert.Equal(5, set.Json.GetProperty("caps").GetProperty("leads_per_day").GetInt32());
        Assert.Equal("24:00", set.Json.GetProperty("delivery_hours")[1].GetProperty("to").GetString());
        Assert.Equal(["day", "month"], set.Json.GetProperty("usage").EnumerateArray().Select(u => u.GetProperty("period").GetString()));
        var read = await ApiDriver.Expect(HttpStatusCode.OK, api.Get($"/api/v1/admin/subscriptions/{subscription}/controls", api.Tokens.Ops(ws)));
        Assert.Equal(set.Text, read.Text);
        Assert.Equal(1, await Db.Scalar<int>(host, "SELECT count(*) FROM audit_log WHERE workspace_id = @ws AND action = 'subscription.controls_set'", new { ws }));
    }

    [Fact]
    public async Task Bad_controls_are_refused_field_by_field_and_change_nothing()
    {
        var (ws, provider, subscription) = await Subscription();
        var admin = api.Tokens.Admin(ws);
        var path = $"/api/v1/admin/subscriptions/{subscription}/controls";
        var before = await ApiDriver.Expect(HttpStatusCode.OK, api.Put(path, admin, new { caps = new { leads_per_day = 3 } }));

        var refused = await ApiDriver.Expect(HttpStatusCode.BadRequest, api.Put(path, admin, new
        {
            caps = new { leads_per_day = 0, budget_cents_per_week = -5 },
            delivery_hours = new[] { new { day = "someday", from = "09:00", to = "17:00" } },
        }));
        var errors = refused.Json.GetProperty("errors");
        Assert.True(errors.TryGetProperty("caps.leads_per_day", out _), refused.Text);
        Assert.True(errors.TryGetProperty("caps.budget_cents_per_week", out _), refused.Text);
        Assert.True(errors.TryGetProperty("delivery_hours[0]", out _), refused.Text);
        var backwards = await ApiDriver.Expect(HttpStatusCode.BadRequest, api.Put(path, admin,
            new { delivery_hours = new[] { new { day = "monday", from = "17:00", to = "09:00" } } }));
        Assert.True(backwards.Json.GetProperty("errors").TryGetProperty("delivery_hours", out _), backwards.Text);
        await ApiDriver.Expect(HttpStatusCode.BadRequest, api.Put($"/api/v1/admin/providers/{provider}/time-zone", admin, new { time_zone = "Mars/Olympus_Mons" }));

        var after = await ApiDriver.Expect(HttpStatusCode.OK, api.Get(path, admin));
        Assert.Equal(before.Text, after.Text);
    }

    [Fact]
    public async Task A_provider_pauses_resumes_and_edits_its_own_caps_within_the_bounds()
    {
        var (ws, provider, subscription) = await Subscription();
        var admin = api.Tokens.Admin(ws);
        var me = api.Tokens.Provider(ws, provider);
        var own = $"/api/v1/provider/subscriptions/{subscription}";

        await ApiDriver.Expect(HttpStatusCode.Conflict, api.Put($"{own}/controls", me, new { caps = new { leads_per_day = 2 } }));   // no bounds yet
        await ApiDriver.Expect(HttpStatusCode.OK, api.Put($"/api/v1/admin/subscriptions/{subscription}/controls", admin, new
        {
            caps = new { leads_per_day = 5 },
            provider_bounds = new { max_caps = new { leads_per_day = 10 }, allowed_hours = new[] { new { day = "monday", from = "08:00", to = "20:00" } } },
        }));

        var above = await ApiDriver.Expect(HttpStatusCode.BadRequest, api.Put($"{own}/controls", me,
            new { caps = new { leads_per_day = 11 }, delivery_hours = new[] { new { day = "monday", from = "07:00", to = "12:00" } } }));
        Assert.True(above.Json.GetProperty("errors").TryGetProperty("caps.leads_per_day", out _), above.Text);
        Assert.True(above.Json.GetProperty("errors").TryGetProperty("delivery_hours", out _), above.Text);
        var within = await ApiDriver.Expect(HttpStatusCode.OK, api.Put($"{own}/controls", me,
            new { caps = new { leads_per_day = 8 }, delivery_hours = new[] { new { day = "monday", from = "09:00", to = "12:00" } } }));
        Assert.Equal(8, within.Json.GetProperty("caps").GetProperty("leads_per_day").GetInt32());
        Assert.Equal(10, within.Json.GetProperty("provider_bounds").GetProperty("max_caps").GetProperty("leads_per_day").GetInt32());

        Assert.Equal("paused", (await ApiDriver.Expect(HttpStatusCode.OK, api.Post($"{own}/pause", me))).Str("status"));
        Assert.Equal("paused", (await ApiDriver.Expect(HttpStatusCode.OK, api.Post($"{own}/pause", me))).Str("status"));
        Assert.Equal("paused", await Db.Scalar<string>(host, "SELECT status FROM subscriptions WHERE id = @subscription", new { subscription }));
        Assert.Equal("active", (await ApiDriver.Expect(HttpStatusCode.OK, api.Post($"{own}/resume", me))).Str("status"));
        Assert.Equal("active", await Db.Scalar<string>(host, "SELECT status FROM subscriptions WHERE id = @subscription", new { subscription }));
    }

    [Fact]
    public async Task A_provider_cannot_see_or_touch_another_providers_subscription()
    {
        var (ws, _, subscription) = await Subscription();
        var stranger = await api.Provider(ws, "Stranger");
        var token = api.Tokens.Provider(ws, stranger);

        await ApiDriver.Expect(HttpStatusCode.NotFound, api.Get($"/api/v1/provider/subscriptions/{subscription}/controls", token));
        await ApiDriver.Expect(HttpStatusCode.NotFound, api.Post($"/api/v1/provider/subscriptions/{subscription}/pause", token));
        Assert.Equal("active", await Db.Scalar<string>(host, "SELECT status FROM subscriptions WHERE id = @subscription", new { subscription }));
    }

    private async Task<(Guid Workspace, Guid Provider, Guid Subscription)> Subscription()
    {
        var ws = await api.Workspace();
        var niche = await api.Niche(ws);
        var provider = await api.Provider(ws, depositCents: 10_000);
        var subscription = await api.Subscribe(ws, provider, niche.Json.GetProperty("levels")[0].GetProperty("level_id").GetGuid());
        return (ws, provider, subscription);
    }
}
