using System.Net;
using LeadGrains.Api.Tests.Infrastructure;

namespace LeadGrains.Api.Tests.Endpoints;

/// <summary>Delivery settings of providers and the delivery endpoints, over HTTP.</summary>
[Collection(ApiCollection.Name)]
public sealed class DeliveryEndpointsTests(LocalApiHost host)
{
    private readonly ApiDriver api = new(host);

    [Theory]
    [InlineData("https://127.0.0.1/hooks")]
    [InlineData("https://169.254.169.254/latest/meta-data")]
    [InlineData("https://10.0.0.7/hooks")]
    [InlineData("http://93.184.216.34/hooks")]   // plain http is off outside local use
    public async Task A_webhook_url_the_SSRF_guard_refuses_is_a_400_that_creates_nothing(string url)
    {
        var ws = await api.Workspace();
        var refused = await ApiDriver.Expect(HttpStatusCode.BadRequest, api.Post("/api/v1/admin/providers", api.Tokens.Admin(ws),
            new { name = "Prober", email = "prober@example.com", webhook_url = url }));
        Assert.True(refused.Json.GetProperty("errors").TryGetProperty("webhook_url", out _), refused.Text);
        Assert.Equal(0L, await Db.Scalar<long>(host, "SELECT count(*) FROM providers WHERE workspace_id = @ws", new { ws }));
    }

    [Fact]
    public async Task The_webhook_secret_is_shown_once_and_a_rotation_shows_the_new_one_once()
    {
        var ws = await api.Workspace();
        var created = await ApiDriver.Expect(HttpStatusCode.Created, api.Post("/api/v1/admin/providers", api.Tokens.Admin(ws),
            new { name = "Hooked", email = "hooked@example.com", webhook_url = "https://93.184.216.34/hooks", email_enabled = false, sms_phone = "+12145550123" }));
        var secret = created.Str("webhook_secret");
        Assert.StartsWith("whsec_", secret);
        Assert.False(created.Json.GetProperty("email_enabled").GetBoolean());
        Assert.Equal("+12145550123", created.Str("sms_phone"));
        var provider = created.Id("provider_id");

        var read = await ApiDriver.Expect(HttpStatusCode.OK, api.Get($"/api/v1/admin/providers/{provider}", api.Tokens.Ops(ws)));
        Assert.False(read.Json.TryGetProperty("webhook_secret", out _));

        var rotated = await ApiDriver.Expect(HttpStatusCode.OK, api.Post($"/api/v1/admin/providers/{provider}/webhook-secret/rotate",
            api.Tokens.Admin(ws), new { overlap_hours = 2 }));
        Assert.NotEqual(secret, rotated.Str("webhook_secret"));
        Assert.True(rotated.Json.GetProperty("previous_secret_expires_at").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddHours(1.9));
        await ApiDriver.Expect(HttpStatusCode.BadRequest, api.Post($"/api/v1/admin/providers/{provider}/webhook-secret/rotate",
            api.Tokens.Admin(ws), new { overlap_hours = 500 }));
        await ApiDriver.Expect(HttpStatusCode.Forbidden, api.Post($"/api/v1/admin/providers/{provider}/webhook-secret/rotate",
            api.Tokens.AdminWithoutMfa(ws), new { }));

        // Neither secret is in the audit log.
        var audit = await Db.Scalar<string>(host, "SELECT string_agg(metadata::text, ' ') FROM audit_log WHERE workspace_id = @ws", new { ws });
        Assert.DoesNotContain(secret, audit);
        Assert.DoesNotContain(rotated.Str("webhook_secret"), audit);

        var noHook = await api.Provider(ws);
        await ApiDriver.Expect(HttpStatusCode.BadRequest, api.Post($"/api/v1/admin/providers/{noHook}/webhook-secret/rotate", api.Tokens.Admin(ws), new { }));
        var test = await ApiDriver.Expect(HttpStatusCode.OK, api.Post($"/api/v1/admin/providers/{noHook}/webhook/test", api.Tokens.Admin(ws)));
        Assert.Equal("no_webhook", test.Str("outcome"));
    }

    [Fact]
    public async Task The_template_is_checked_on_save_and_previewed_with_sample_values()
    {
        var ws = await api.Workspace();
        var builtIn = await ApiDriver.Expect(HttpStatusCode.OK, api.Get("/api/v1/admin/templates/lead_assigned", api.Tokens.Ops(ws)));
        Assert.True(builtIn.Json.GetProperty("is_default").GetBoolean());
        Assert.Equal("New Lead Assigned - {{niche_name}}", builtIn.Str("subject"));

        var bad = await ApiDriver.Expect(HttpStatusCode.BadRequest, api.Send(HttpMethod.Put, "/api/v1/admin/templates/lead_assigned", api.Tokens.Admin(ws),
            new { subject = "Lead {{nich_name}}", text = "Hi {{provider_name}}", html = "<p>{{provider_name}}</p>" }));
        Assert.Contains("nich_name", bad.Json.GetProperty("errors").GetProperty("subject")[0].GetString());
        Assert.True((await ApiDriver.Expect(HttpStatusCode.OK, api.Get("/api/v1/admin/templates/lead_assigned", api.Tokens.Ops(ws))))
            .Json.GetProperty("is_default").GetBoolean());

        var saved = await ApiDriver.Expect(HttpStatusCode.OK, api.Send(HttpMethod.Put, "/api/v1/admin/templates/lead_assigned", api.Tokens.Admin(ws),
            new { subject = "Lead in {{niche_name}}", text = "Hi {{provider_name}}, {{amount_charged}}", html = "<p>{{provider_name}}</p>" }));
        Assert.False(saved.Json.GetProperty("is_default").GetBoolean());
        var preview = await ApiDriver.Expect(HttpStatusCode.OK, api.Post("/api/v1/admin/templates/lead_assigned/preview", api.Tokens.Ops(ws)));
        Assert.Equal("Lead in movers-dallas", preview.Str("subject"));
        Assert.Equal("Hi Sample Movers LLC, $30.00", preview.Str("text"));
    }

    [Fact]
    public async Task An_assignments_deliveries_their_attempts_resend_and_the_dead_letter_list()
    {
        var ws = await api.Workspace();
        var niche = await api.Niche(ws, levels: 1);
        var level = niche.Json.GetProperty("levels")[0].GetProperty("level_id").GetGuid();
        var provider = await api.Provider(ws, depositCents: 100_000);
        await api.Subscribe(ws, provider, level);
        var lead = await api.Lead(ws, niche.Id("niche_id"));
        await ApiDriver.Expect(HttpStatusCode.OK, api.Post($"/api/v1/admin/leads/{lead}/approve", api.Tokens.Admin(ws)));
        await api.AwaitDistribution(ws, lead);
        var assignment = (await ApiDriver.Expect(HttpStatusCode.OK, api.Get($"/api/v1/admin/leads/{lead}/assignments", api.Tokens.Ops(ws))))
            .Json.GetProperty("items")[0].GetProperty("assignment_id").GetGuid();

        Answer deliveries;
        var waited = 0;
        while ((deliveries = await ApiDriver.Expect(HttpStatusCode.OK, api.Get($"/api/v1/admin/assignments/{assignment}/deliveries", api.Tokens.Ops(ws))))
               .Json.GetProperty("items").GetArrayLength() == 0 && waited++ < 200)
        {
            await Task.Delay(50);
        }
        var delivery = deliveries.Json.GetProperty("items")[0];
        Assert.Equal("email", delivery.GetProperty("channel").GetString());
        var deliveryId = delivery.GetProperty("delivery_id").GetGuid();
        Assert.Equal($"{deliveryId:N}@leadgrains", delivery.GetProperty("message_id").GetString());

        await DeliveredAt(ws, deliveryId, attempts: 1);
        // The accepted try is kept on the delivery row, not as an attempt row; the log shows it all the same.
        var log = (await ApiDriver.Expect(HttpStatusCode.OK, api.Get($"/api/v1/admin/deliveries/{deliveryId}/attempts", api.Tokens.Ops(ws)))).Json.GetProperty("items");
        Assert.Equal(1, log.GetArrayLength());
        Assert.Equal(("accepted", 1, 250), (log[0].GetProperty("outcome").GetString(), log[0].GetProperty("attempt").GetInt32(), log[0].GetProperty("status_code").GetInt32()));
        Assert.False(string.IsNullOrEmpty(log[0].GetProperty("silo").GetString()));
        Assert.Equal(0L, await Db.Scalar<long>(host, "SELECT count(*) FROM delivery_attempts WHERE delivery_id = @deliveryId", new { deliveryId }));
        await ApiDriver.Expect(HttpStatusCode.OK, api.Get($"/api/v1/admin/deliveries/{deliveryId}", api.Tokens.Ops(ws)));
        await ApiDriver.Expect(HttpStatusCode.NotFound, api.Get($"/api/v1/admin/deliveries/{Guid.NewGuid()}/attempts", api.Tokens.Ops(ws)));
        await ApiDriver.Expect(HttpStatusCode.NotFound, api.Get($"/api/v1/admin/assignments/{Guid.NewGuid()}/deliveries", api.Tokens.Ops(ws)));
        // Another workspace sees none of it.
        var other = await api.Workspace();
        await ApiDriver.Expect(HttpStatusCode.NotFound, api.Get($"/api/v1/admin/deliveries/{deliveryId}", api.Tokens.Ops(other)));

        var key = new Dictionary<string, string> { ["Idempotency-Key"] = Guid.NewGuid().ToString() };
        var resent = await ApiDriver.Expect(HttpStatusCode.Accepted, api.Post($"/api/v1/admin/assignments/{assignment}/deliveries/resend", api.Tokens.Admin(ws), new { channel = "email" }, key));
        Assert.Equal(deliveryId, resent.Json.GetProperty("delivery_ids")[0].GetGuid());
        var again = await ApiDriver.Expect(HttpStatusCode.Accepted, api.Post($"/api/v1/admin/assignments/{assignment}/deliveries/resend", api.Tokens.Admin(ws), new { channel = "email" }, key));
        Assert.Equal(resent.Text, again.Text);
        // Sent again: the log keeps the first accepted try and adds the second.
        await DeliveredAt(ws, deliveryId, attempts: 2);
        var twice = (await ApiDriver.Expect(HttpStatusCode.OK, api.Get($"/api/v1/admin/deliveries/{deliveryId}/attempts", api.Tokens.Ops(ws)))).Json.GetProperty("items");
        Assert.Equal([(1, "accepted"), (2, "accepted")],
            twice.EnumerateArray().Select(a => (a.GetProperty("attempt").GetInt32(), a.GetProperty("outcome").GetString())).ToList());
        await ApiDriver.Expect(HttpStatusCode.Conflict, api.Post($"/api/v1/admin/assignments/{assignment}/deliveries/resend", api.Tokens.Admin(ws),
            new { channel = "webhook" }, new Dictionary<string, string> { ["Idempotency-Key"] = Guid.NewGuid().ToString() }));
        await ApiDriver.Expect(HttpStatusCode.BadRequest, api.Post($"/api/v1/admin/assignments/{assignment}/deliveries/resend", api.Tokens.Admin(ws),
            new { channel = "carrier-pigeon" }, new Dictionary<string, string> { ["Idempotency-Key"] = Guid.NewGuid().ToString() }));

        // Not dead: neither retried nor resolved.
        await ApiDriver.Expect(HttpStatusCode.Conflict, api.Post($"/api/v1/admin/deliveries/{deliveryId}/retry", api.Tokens.Ops(ws)));
        await ApiDriver.Expect(HttpStatusCode.Conflict, api.Post($"/api/v1/admin/deliveries/{deliveryId}/resolve", api.Tokens.Ops(ws), new { note = "x" }));

        // A dead one is listed, retried, and resolved.
        await Db.Execute(host, "UPDATE deliveries SET state = 'dead', dead_at = now(), last_error = 'HTTP 410' WHERE id = @deliveryId", new { deliveryId });
        var dead = await ApiDriver.Expect(HttpStatusCode.OK, api.Get("/api/v1/admin/deliveries/dead?resolved=false", api.Tokens.Ops(ws)));
        Assert.Equal(1, dead.Long("total"));
        await ApiDriver.Expect(HttpStatusCode.Accepted, api.Post($"/api/v1/admin/deliveries/{deliveryId}/retry", api.Tokens.Ops(ws)));
        await Db.Execute(host, "UPDATE deliveries SET state = 'dead', dead_at = now() WHERE id = @deliveryId", new { deliveryId });
        var resolved = await ApiDriver.Expect(HttpStatusCode.OK, api.Post($"/api/v1/admin/deliveries/{deliveryId}/resolve", api.Tokens.Ops(ws), new { note = "bounced" }));
        Assert.Equal("bounced", resolved.Str("resolution_note"));
        Assert.Equal(0, (await ApiDriver.Expect(HttpStatusCode.OK, api.Get("/api/v1/admin/deliveries/dead?resolved=false", api.Tokens.Ops(ws)))).Long("total"));
        await ApiDriver.Expect(HttpStatusCode.BadRequest, api.Get("/api/v1/admin/deliveries/dead?resolved=maybe", api.Tokens.Ops(ws)));
        await ApiDriver.Expect(HttpStatusCode.OK, api.Get("/api/v1/admin/deliveries/endpoints", api.Tokens.Ops(ws)));

        // The provider sees its own deliveries.
        var own = await ApiDriver.Expect(HttpStatusCode.OK, api.Get("/api/v1/provider/deliveries", api.Tokens.Provider(ws, provider)));
        Assert.Equal(deliveryId, own.Json.GetProperty("items")[0].GetProperty("delivery_id").GetGuid());
    }

    /// <summary>Waits (bounded) until the delivery is delivered after the given number of tries.</summary>
    private async Task DeliveredAt(Guid ws, Guid deliveryId, int attempts)
    {
        for (var waited = 0; waited < 400; waited++)
        {
            var delivery = await ApiDriver.Expect(HttpStatusCode.OK, api.Get($"/api/v1/admin/deliveries/{deliveryId}", api.Tokens.Ops(ws)));
            if (delivery.Str("state") == "delivered" && delivery.Json.GetProperty("attempts").GetInt32() == attempts)
            {
                return;
            }
            await Task.Delay(50);
        }
        Assert.Fail($"delivery {deliveryId} was not delivered at try {attempts} within 20 s");
    }
}
