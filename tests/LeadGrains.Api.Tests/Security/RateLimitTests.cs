using System.Net;
using LeadGrains.Api.Tests.Infrastructure;

namespace LeadGrains.Api.Tests.Security;

/// <summary>A host with low limits, so the limiter's refusals can be seen; in local mode (open dashboard).</summary>
public sealed class RateLimitedApiHost : LocalApiHost
{
    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["LeadGrains:RateLimits:IntakePermits"] = "3",
        ["LeadGrains:RateLimits:IntakeWindowSeconds"] = "60",
        ["LeadGrains:RateLimits:AuthFailurePermits"] = "5",
        ["LeadGrains:RateLimits:AuthFailureWindowSeconds"] = "60",
        ["LeadGrains:Auth:LocalMode"] = "true",
    };
}

/// <summary>
/// The rate-limited host runs after the shared one has stopped, never beside it: hosts in one
/// process share the LeadGrains meter's name, and OpenTelemetry stops exporting every same-named
/// meter once one is disposed (open-telemetry/opentelemetry-dotnet#6412), which would empty the
/// shared host's /metrics in the middle of its metric tests.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RateLimitCollection : ICollectionFixture<RateLimitedApiHost>
{
    public const string Name = "rate-limited";
}

/// <summary>The built-in rate limiter on lead intake (per workspace) and on failed authentication.</summary>
[Collection(RateLimitCollection.Name)]
public sealed class RateLimitTests(RateLimitedApiHost host)
{
    [Fact]
    public async Task Intake_beyond_the_workspace_limit_is_refused_with_429_and_stores_nothing()
    {
        var api = new ApiDriver(host);
        var ws = await api.Workspace();
        var other = await api.Workspace();
        var niche = (await api.Niche(ws)).Id("niche_id");
        var otherNiche = (await api.Niche(other)).Id("niche_id");

        var answers = new List<Answer>();
        for (var i = 0; i < 5; i++)
        {
            answers.Add(await api.Post("/api/v1/leads", api.Tokens.Approver(ws), ApiDriver.LeadBody(niche)));
        }
        var elsewhere = await api.Post("/api/v1/leads", api.Tokens.Approver(other), ApiDriver.LeadBody(otherNiche));

        Assert.Equal([201, 201, 201, 429, 429], answers.Select(a => (int)a.Status));
        Assert.Equal("application/problem+json", answers[^1].ContentType);
        Assert.True(answers[^1].Response.Headers.RetryAfter is not null);
        Assert.Equal(HttpStatusCode.Created, elsewhere.Status);
        Assert.Equal(3, await Db.Scalar<int>(host, "SELECT count(*) FROM leads WHERE workspace_id = @ws", new { ws }));
    }

    [Fact]
    public async Task Repeated_authentication_failures_are_slowed_down_with_429()
    {
        var api = new ApiDriver(host);
        var statuses = new List<int>();
        for (var i = 0; i < 7; i++)
        {
            statuses.Add((int)(await api.Get("/api/v1/admin/niches", host.Tokens.WrongSignature(Guid.NewGuid()))).Status);
        }

        Assert.Equal([401, 401, 401, 401, 401, 429, 429], statuses);
    }

    [Fact]
    public async Task In_local_mode_the_dashboard_needs_no_token()
    {
        var response = await host.Client.GetAsync("/dashboard/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
