using System.Net;
using LeadGrains.Api.Tests.Infrastructure;

namespace LeadGrains.Api.Tests.Security;

/// <summary>
/// A lead's email and phone appear only where contact data is the point (the lead detail and the
/// provider's assignments): in no other response and in no log line.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class PrivacyTests(LocalApiHost host)
{
    private static readonly string[] ContactEndpoints = [@"^/api/v1/admin/leads/[0-9a-f-]{36}$", "^/api/v1/provider/assignments$"];

    [Fact]
    public async Task Contact_data_stays_out_of_other_responses_and_of_the_logs()
    {
        var api = new ApiDriver(host);
        var ws = await api.Workspace();
        var niche = await api.Niche(ws);
        var nicheId = niche.Id("niche_id");
        var level = niche.Json.GetProperty("levels")[0].GetProperty("level_id").GetGuid();
        var provider = await api.Provider(ws, depositCents: 50_000);
        await api.Subscribe(ws, provider, level);
        var localPart = $"secret.{Guid.NewGuid():N}";
        var email = $"{localPart}@Private.Example.com";
        var digits = $"469{Random.Shared.Next(200, 999)}{Random.Shared.Next(1000, 9999)}";
        var phone = $"({digits[..3]}) {digits[3..6]}-{digits[6..]}";
        var admin = api.Tokens.Admin(ws);

        // Intake, a duplicate, bad input around the contact, approval, distribution, every page that lists the lead.
        var lead = (await ApiDriver.Expect(HttpStatusCode.Created, api.Post("/api/v1/leads", api.Tokens.Approver(ws), ApiDriver.LeadBody(nicheId, email, phone)))).Id("lead_id");
        await api.Post("/api/v1/leads", api.Tokens.Approver(ws), ApiDriver.LeadBody(nicheId, email, phone));
        await api.Post("/api/v1/leads", api.Tokens.Approver(ws), ApiDriver.LeadBody(nicheId, email, "12"));
        await api.Post("/api/v1/leads", api.Tokens.Approver(ws), ApiDriver.LeadBody(nicheId, "broken@", phone));
        await api.Send(HttpMethod.Post, "/api/v1/leads", api.Tokens.Approver(ws), rawBody: $"{{\"niche_id\":\"{nicheId}\",\"contact\":{{\"email\":\"{email}\",\"phone\":{phone}}}}}");
        await ApiDriver.Expect(HttpStatusCode.OK, api.Post($"/api/v1/admin/leads/{lead}/approve", admin));
        await api.AwaitDistribution(ws, lead);
        await ApiDriver.Expect(HttpStatusCode.OK, api.Get($"/api/v1/admin/leads/{lead}", admin));
        await ApiDriver.Expect(HttpStatusCode.OK, api.Get("/api/v1/admin/leads", admin));
        await ApiDriver.Expect(HttpStatusCode.OK, api.Get($"/api/v1/admin/leads/{lead}/assignments", admin));
        await ApiDriver.Expect(HttpStatusCode.OK, api.Get($"/api/v1/admin/leads/{lead}/distribution-status", admin));
        await ApiDriver.Expect(HttpStatusCode.OK, api.Post($"/api/v1/admin/leads/{lead}/distribute", admin));
        await ApiDriver.Expect(HttpStatusCode.OK, api.Get($"/api/v1/admin/providers/{provider}/ledger", admin));
        var mine = await ApiDriver.Expect(HttpStatusCode.OK, api.Get("/api/v1/provider/assignments", api.Tokens.Provider(ws, provider)));
        Assert.Contains(email.ToLowerInvariant(), mine.Text);
        // The logs are written asynchronously: wait (bounded) until they show the lead's journey.
        for (var waited = 0; !ConsoleCapture.Text.Contains(lead.ToString()) && waited < 100; waited++)
        {
            await Task.Delay(100);
        }

        var forms = new[] { email, email.ToLowerInvariant(), localPart, phone, digits, "+1" + digits };
        var leaks = ResponseRecorder.All.ToArray()
            .Where(r => !ContactEndpoints.Any(p => System.Text.RegularExpressions.Regex.IsMatch(r.Path, p)))
            .Where(r => forms.Any(f => r.Body.Contains(f, StringComparison.OrdinalIgnoreCase)))
            .Select(r => $"{r.Method} {r.Path} {r.Status}").ToList();
        Assert.Empty(leaks);
        var logs = ConsoleCapture.Text;
        Assert.Contains(lead.ToString(), logs); // the logs did capture the lead's journey
        Assert.DoesNotContain(forms, f => logs.Contains(f, StringComparison.OrdinalIgnoreCase));
    }
}
