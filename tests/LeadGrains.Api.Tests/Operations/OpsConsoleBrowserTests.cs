using LeadGrains.Api.Tests.Endpoints;
using LeadGrains.Api.Tests.Infrastructure;
using Microsoft.Playwright;

namespace LeadGrains.Api.Tests.Operations;

/// <summary>The API on a real TCP port, for a real browser. Not beside the shared host: see <see cref="Security.RateLimitCollection"/>.</summary>
public sealed class BrowserApiHost : LocalApiHost
{
    protected override bool ServeOverTcp => true;
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class BrowserCollection : ICollectionFixture<BrowserApiHost>
{
    public const string Name = "browser";
}

/// <summary>
/// The ops console in headless Chromium (Debian's <c>chromium</c>, driven by Playwright): sign in,
/// see the panels, retry a dead letter. The page is kept as <c>ops-console.png</c> among the test artefacts.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class OpsConsoleBrowserTests(BrowserApiHost host)
{
    private const string SystemChromium = "/usr/lib/chromium/chromium";

    [Fact]
    public async Task An_operator_signs_in_sees_the_panels_and_retries_a_dead_letter()
    {
        var api = new ApiDriver(host);
        var ws = await api.Workspace("console");
        var created = await api.Niche(ws, "Kitchen remodels");
        var niche = created.Id("niche_id");
        var level = created.Json.GetProperty("levels")[0].GetProperty("level_id").GetGuid();
        await api.Subscribe(ws, await api.Provider(ws, "Acme Renovations", depositCents: 100_000), level, "TX");
        var served = await api.Lead(ws, niche);
        await ApiDriver.Expect(System.Net.HttpStatusCode.OK, api.Post($"/api/v1/admin/leads/{served}/approve", api.Tokens.Admin(ws)));
        await api.AwaitDistribution(ws, served);
        var (lead, entry) = await QueueEndpointsTests.DeadLetter(api, ws, niche);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = SystemChromium,
            Headless = true,
            // Chromium's sandbox needs user namespaces, which containers running as root usually lack.
            Args = ["--no-sandbox"],
        });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { BaseURL = host.BaseAddress.ToString(), ViewportSize = new() { Width = 1400, Height = 1000 } });

        await page.GotoAsync("/console");
        Assert.EndsWith("/console/login?ReturnUrl=%2Fconsole", page.Url);
        await page.FillAsync("#token", "not a token");
        await page.ClickAsync("#sign-in");
        Assert.Contains("not valid", await page.TextContentAsync("#refusal"));
        await page.FillAsync("#token", api.Tokens.Ops(ws));
        await page.ClickAsync("#sign-in");

        foreach (var panel in new[] { "#backlog", "#dead-letters", "#distributions", "#reconciliation", "#jobs", "#fairness" })
        {
            Assert.True(await page.IsVisibleAsync(panel), panel);
        }
        Assert.Contains("simulated outage", await page.TextContentAsync("#dead-letters"));
        Assert.Contains("Acme Renovations (level 1", await page.TextContentAsync("#distributions"));
        await page.ClickAsync($"tr[data-dead-letter='{entry}'] button.retry");
        Assert.Contains("retried", await page.TextContentAsync("#notice"));
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Repository.Artifacts(), "ops-console.png"), FullPage = true });

        Assert.True(await Db.Scalar<bool>(host, "SELECT resolved FROM dead_letters WHERE id = @entry", new { entry }));
        var distributed = await api.AwaitDistribution(ws, lead);
        Assert.Equal("distributed", distributed.Str("lead_status"));
    }

    [Fact]
    public async Task Without_mfa_the_console_reads_but_offers_no_action_and_refuses_one()
    {
        var api = new ApiDriver(host);
        var ws = await api.Workspace("console-read-only");
        var niche = (await api.Niche(ws)).Id("niche_id");
        var (_, entry) = await QueueEndpointsTests.DeadLetter(api, ws, niche);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = SystemChromium, Headless = true, Args = ["--no-sandbox"] });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { BaseURL = host.BaseAddress.ToString() });

        await page.GotoAsync("/console/login");
        await page.FillAsync("#token", api.Tokens.For("ops", ws));
        await page.ClickAsync("#sign-in");

        Assert.Contains("read only", await page.TextContentAsync("header"));
        Assert.Equal(0, await page.Locator("button.retry").CountAsync());
        var forced = await page.APIRequest.PostAsync($"/console/dead-letters/{entry}/retry");
        Assert.NotEqual(200, forced.Status);
        Assert.False(await Db.Scalar<bool>(host, "SELECT resolved FROM dead_letters WHERE id = @entry", new { entry }));
    }

    [Fact]
    public async Task A_platform_operator_sees_every_workspace_and_reads_one_without_acting_in_it()
    {
        var api = new ApiDriver(host);
        var ws = await api.Workspace("console-platform-a");
        var other = await api.Workspace("console-platform-b");
        var niche = (await api.Niche(ws)).Id("niche_id");
        var (_, entry) = await QueueEndpointsTests.DeadLetter(api, ws, niche);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = SystemChromium, Headless = true, Args = ["--no-sandbox"] });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { BaseURL = host.BaseAddress.ToString() });

        await page.GotoAsync("/console/login");
        await page.FillAsync("#token", api.Tokens.For("platform_ops", null));
        await page.ClickAsync("#sign-in");
        Assert.Contains("multi-factor", await page.TextContentAsync("#refusal"));
        await page.FillAsync("#token", api.Tokens.For("platform_ops", null, mfa: true));
        await page.ClickAsync("#sign-in");

        Assert.EndsWith("/console/platform", page.Url);
        Assert.Equal("1", await page.TextContentAsync($"tr[data-workspace='{ws}'] td.bad"));
        Assert.True(await page.IsVisibleAsync($"tr[data-workspace='{other}']"));
        await page.ClickAsync($"tr[data-workspace='{ws}'] a");
        Assert.Contains("platform view of console-platform-a", await page.TextContentAsync("header"));
        Assert.True(await page.IsVisibleAsync($"tr[data-dead-letter='{entry}']"));
        Assert.Equal(0, await page.Locator("button.retry").CountAsync());
        var forced = await page.APIRequest.PostAsync($"/console/dead-letters/{entry}/retry");
        Assert.NotEqual(200, forced.Status);
        Assert.False(await Db.Scalar<bool>(host, "SELECT resolved FROM dead_letters WHERE id = @entry", new { entry }));

        // A workspace's own operator does not get the platform's page.
        var workspacePage = await browser.NewPageAsync(new BrowserNewPageOptions { BaseURL = host.BaseAddress.ToString() });
        await workspacePage.GotoAsync("/console/login");
        await workspacePage.FillAsync("#token", api.Tokens.Ops(ws));
        await workspacePage.ClickAsync("#sign-in");
        var refused = await workspacePage.GotoAsync("/console/platform");
        Assert.Equal(403, refused!.Status);
    }
}
