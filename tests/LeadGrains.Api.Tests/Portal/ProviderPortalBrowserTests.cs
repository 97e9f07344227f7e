using System.Net;
using LeadGrains.Api.Tests.Infrastructure;
using LeadGrains.Api.Tests.Operations;
using Microsoft.Playwright;

namespace LeadGrains.Api.Tests.Portal;

/// <summary>
/// The provider portal in headless Chromium (Debian's <c>chromium</c>, driven by Playwright): a
/// provider signs in, sees its lead with the contact, asks to return it; an admin approves; the
/// provider sees the refund in its ledger. A second provider of the same workspace sees none of it.
/// A provider changes its caps and hours within the admin's bounds; a value beyond them is refused.
/// The page is kept as <c>provider-portal.png</c> among the test artefacts.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ProviderPortalBrowserTests(BrowserApiHost host)
{
    private const string SystemChromium = "/usr/lib/chromium/chromium";

    [Fact]
    public async Task A_provider_returns_a_lead_in_the_browser_sees_the_refund_after_approval_and_another_provider_sees_none_of_it()
    {
        var api = new ApiDriver(host);
        var ws = await api.Workspace("portal");
        var niche = await api.Niche(ws, "Roof repairs", levels: 1);
        var level = niche.Json.GetProperty("levels")[0];
        var price = level.GetProperty("price_cents").GetInt64();
        var buyer = await api.Provider(ws, "Acme Roofing", depositCents: 50_000);
        var rival = await api.Provider(ws, "Rival Roofing", depositCents: 20_000);
        await api.Subscribe(ws, buyer, level.GetProperty("level_id").GetGuid(), "TX");
        var email = $"grace.{Guid.NewGuid():N}@leads.example.com";
        var lead = await api.Lead(ws, niche.Id("niche_id"), email: email);
        await ApiDriver.Expect(HttpStatusCode.OK, api.Post($"/api/v1/admin/leads/{lead}/approve", api.Tokens.Admin(ws)));
        await api.AwaitDistribution(ws, lead);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = SystemChromium,
            Headless = true,
            // Chromium's sandbox needs user namespaces, which containers running as root usually lack.
            Args = ["--no-sandbox"],
        });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { BaseURL = host.BaseAddress.ToString(), ViewportSize = new() { Width = 1400, Height = 1000 } });

        await page.GotoAsync("/portal");
        Assert.EndsWith("/portal/login?ReturnUrl=%2Fportal", page.Url);
        await page.FillAsync("#token", api.Tokens.Admin(ws));
        await page.ClickAsync("#sign-in");
        Assert.Contains("for providers", await page.TextContentAsync("#refusal"));
        await page.FillAsync("#token", api.Tokens.Provider(ws, buyer));
        await page.ClickAsync("#sign-in");

        Assert.Equal("Acme Roofing", await page.TextContentAsync("#provider-name"));
        Assert.Equal((50_000 - price).ToString(), await page.GetAttributeAsync("#balance-cents", "data-cents"));
        Assert.Contains(email, await page.TextContentAsync("#leads"));
        Assert.Contains("Roof repairs", await page.TextContentAsync("#subscriptions"));
        var row = page.Locator("#leads tr[data-assignment]").Filter(new() { HasText = email });
        await row.Locator("summary").ClickAsync();
        await row.Locator("select[name=reason]").SelectOptionAsync("wrong_contact");
        await row.Locator("input[name=note]").FillAsync("The number is disconnected");
        await row.Locator("button.request-return").ClickAsync();
        Assert.Contains("waits for review", await page.TextContentAsync("#notice"));
        Assert.Contains("pending review", await page.TextContentAsync("#returns"));

        var pending = await ApiDriver.Expect(HttpStatusCode.OK, api.Get("/api/v1/admin/returns?status=pending", api.Tokens.Ops(ws)));
        var returnId = pending.Json.GetProperty("items").EnumerateArray().Single().GetProperty("return_id").GetGuid();
        await ApiDriver.Expect(HttpStatusCode.OK, api.Post($"/api/v1/admin/returns/{returnId}/approve", api.Tokens.Admin(ws), new { note = "Refunded: number out of service" }));

        await page.GotoAsync("/portal");
        Assert.Contains("approved, refunded", await page.TextContentAsync($"#returns tr[data-return='{returnId}']"));
        Assert.Contains($"${price / 100m:0.00}", await page.TextContentAsync("#ledger tr.entry-refund"));
        Assert.Equal("50000", await page.GetAttributeAsync("#balance-cents", "data-cents"));
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Repository.Artifacts(), "provider-portal.png"), FullPage = true });

        var rivalPage = await browser.NewPageAsync(new BrowserNewPageOptions { BaseURL = host.BaseAddress.ToString() });
        await rivalPage.GotoAsync("/portal/login");
        await rivalPage.FillAsync("#token", api.Tokens.Provider(ws, rival));
        await rivalPage.ClickAsync("#sign-in");

        Assert.Equal("Rival Roofing", await rivalPage.TextContentAsync("#provider-name"));
        var seen = await rivalPage.ContentAsync();
        Assert.DoesNotContain(email, seen);
        Assert.DoesNotContain(returnId.ToString(), seen);
        Assert.DoesNotContain(lead.ToString(), seen);
        Assert.Equal(0, await rivalPage.Locator("#ledger tr.entry-refund").CountAsync());
        Assert.Equal("20000", await rivalPage.GetAttributeAsync("#balance-cents", "data-cents"));
    }

    [Fact]
    public async Task A_form_without_the_session_s_anti_forgery_token_returns_nothing()
    {
        var api = new ApiDriver(host);
        var purchase = await Endpoints.ReturnEndpointsTests.Bought(api);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = SystemChromium, Headless = true, Args = ["--no-sandbox"] });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { BaseURL = host.BaseAddress.ToString() });
        await page.GotoAsync("/portal/login");
        await page.FillAsync("#token", purchase.ProviderToken);
        await page.ClickAsync("#sign-in");

        var forged = await page.APIRequest.PostAsync("/portal/returns", new()
        {
            Form = page.APIRequest.CreateFormData().Set("assignment_id", purchase.Assignment.ToString()).Set("reason", "wrong_contact"),
        });

        Assert.Equal(400, forged.Status);
        Assert.Equal(0, await Db.Scalar<long>(host, "SELECT count(*) FROM lead_returns WHERE assignment_id = @a", new { a = purchase.Assignment }));
    }

    [Fact]
    public async Task A_provider_pauses_and_resumes_its_subscription_in_the_browser_and_a_paused_one_takes_no_lead()
    {
        var api = new ApiDriver(host);
        var ws = await api.Workspace("portal-pause");
        var niche = await api.Niche(ws, "Gutters", levels: 1);
        var level = niche.Json.GetProperty("levels")[0].GetProperty("level_id").GetGuid();
        var buyer = await api.Provider(ws, "Gutter Pros", depositCents: 50_000);
        var subscription = await api.Subscribe(ws, buyer, level, "TX");
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = SystemChromium, Headless = true, Args = ["--no-sandbox"] });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { BaseURL = host.BaseAddress.ToString() });
        await page.GotoAsync("/portal/login");
        await page.FillAsync("#token", api.Tokens.Provider(ws, buyer));
        await page.ClickAsync("#sign-in");
        var row = page.Locator($"tr[data-subscription='{subscription}']");

        await row.Locator("button.pause").ClickAsync();
        Assert.Equal("paused", await row.Locator("td.status").TextContentAsync());
        var lead = await api.Lead(ws, niche.Id("niche_id"));
        await ApiDriver.Expect(HttpStatusCode.OK, api.Post($"/api/v1/admin/leads/{lead}/approve", api.Tokens.Admin(ws)));
        Assert.Equal("no_eligible", (await api.AwaitDistribution(ws, lead)).Str("lead_status"));

        await row.Locator("button.resume").ClickAsync();
        Assert.Equal("active", await row.Locator("td.status").TextContentAsync());
        Assert.Equal(2, await Db.Scalar<long>(host,
            "SELECT count(*) FROM audit_log WHERE target_id = @s AND action IN ('subscription.paused', 'subscription.resumed')", new { s = subscription.ToString() }));
    }

    [Fact]
    public async Task A_provider_sets_its_daily_cap_within_the_admin_s_bound_in_the_browser_and_one_beyond_it_is_refused_changing_nothing()
    {
        var api = new ApiDriver(host);
        var ws = await api.Workspace("portal-caps");
        var niche = await api.Niche(ws, "Siding", levels: 1);
        var level = niche.Json.GetProperty("levels")[0].GetProperty("level_id").GetGuid();
        var buyer = await api.Provider(ws, "Siding Co", depositCents: 50_000);
        var subscription = await api.Subscribe(ws, buyer, level, "TX");
        var controls = $"/api/v1/admin/subscriptions/{subscription}/controls";
        await ApiDriver.Expect(HttpStatusCode.OK, api.Put(controls, api.Tokens.Admin(ws), new
        {
            caps = new { leads_per_day = 30 },
            provider_bounds = new { max_caps = new { leads_per_day = 50 }, allowed_hours = (object?)null },
        }));
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = SystemChromium, Headless = true, Args = ["--no-sandbox"] });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { BaseURL = host.BaseAddress.ToString() });
        await page.GotoAsync("/portal/login");
        await page.FillAsync("#token", api.Tokens.Provider(ws, buyer));
        await page.ClickAsync("#sign-in");
        var row = page.Locator($"tr[data-subscription='{subscription}']");
        Assert.Contains("Leads per day: 30", await row.Locator("span.caps").TextContentAsync());
        Assert.Contains("at most 50", await row.Locator("form.controls-form").TextContentAsync());

        await row.Locator("details.edit-controls summary").ClickAsync();
        await row.Locator("input[name=leads_per_day]").FillAsync("20");
        await row.Locator("textarea[name=delivery_hours]").FillAsync("monday 09:00-17:00\nfriday 09:00-12:00");
        await row.Locator("button.save-controls").ClickAsync();
        Assert.Contains("caps and hours are saved", await page.TextContentAsync("#notice"));
        Assert.Contains("Leads per day: 20", await row.Locator("span.caps").TextContentAsync());
        Assert.Contains("monday 09:00", await row.Locator("span.hours").TextContentAsync());
        var saved = await ApiDriver.Expect(HttpStatusCode.OK, api.Get(controls, api.Tokens.Admin(ws)));
        Assert.Equal(20, saved.Json.GetProperty("caps").GetProperty("leads_per_day").GetInt32());
        Assert.Equal(2, saved.Json.GetProperty("delivery_hours").GetArrayLength());

        await row.Locator("details.edit-controls summary").ClickAsync();
        await row.Locator("input[name=leads_per_day]").FillAsync("80");
        await row.Locator("button.save-controls").ClickAsync();
        var refusal = await page.TextContentAsync("#notice");
        Assert.Contains("not saved", refusal);
        Assert.Contains("Leads per day: at most 50", refusal);
        Assert.Contains("Leads per day: 20", await row.Locator("span.caps").TextContentAsync());
        var after = await ApiDriver.Expect(HttpStatusCode.OK, api.Get(controls, api.Tokens.Admin(ws)));
        Assert.Equal(saved.Text, after.Text);

        await row.Locator("details.edit-controls summary").ClickAsync();
        await row.Locator("input[name=leads_per_day]").FillAsync("");
        await row.Locator("button.save-controls").ClickAsync();
        Assert.Contains("at most 50 (the bound your admin set), and it must stay set", await page.TextContentAsync("#notice"));
        Assert.Equal(saved.Text, (await ApiDriver.Expect(HttpStatusCode.OK, api.Get(controls, api.Tokens.Admin(ws)))).Text);
        // Another provider of the workspace, signed in with its own session and anti-forgery token, cannot change it.
        var rival = await api.Provider(ws, "Rival Siding");
        var rivalPage = await browser.NewPageAsync(new BrowserNewPageOptions { BaseURL = host.BaseAddress.ToString() });
        await rivalPage.GotoAsync("/portal/login");
        await rivalPage.FillAsync("#token", api.Tokens.Provider(ws, rival));
        await rivalPage.ClickAsync("#sign-in");
        var rivalToken = await rivalPage.Locator("header form input[type=hidden]").GetAttributeAsync("value");
        var foreign = await rivalPage.APIRequest.PostAsync($"/portal/subscriptions/{subscription}/controls", new()
        {
            Form = rivalPage.APIRequest.CreateFormData().Set("__RequestVerificationToken", rivalToken!).Set("leads_per_day", "1"),
            MaxRedirects = 0,
        });
        Assert.EndsWith("notice=no-subscription", foreign.Headers["location"]);
        Assert.Equal(saved.Text, (await ApiDriver.Expect(HttpStatusCode.OK, api.Get(controls, api.Tokens.Admin(ws)))).Text);
        Assert.Equal(2, await Db.Scalar<long>(host,   // the admin's and the provider's one saved change
            "SELECT count(*) FROM audit_log WHERE target_id = @s AND action = 'subscription.controls_set'", new { s = subscription.ToString() }));
    }
}
