using LeadGrains.Api.Tests.Infrastructure;

namespace LeadGrains.Api.Tests.Security;

/// <summary>A host behind a trusted proxy (this machine's loopback address), served over TCP so requests have a peer address.</summary>
public sealed class ProxiedApiHost : LocalApiHost
{
    protected override bool ServeOverTcp => true;

    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["LeadGrains:RateLimits:AuthFailurePermits"] = "3",
        ["LeadGrains:RateLimits:AuthFailureWindowSeconds"] = "60",
        ["LeadGrains:ForwardedHeaders:TrustedProxies:0"] = "127.0.0.1",
    };
}

/// <summary>Alone, as the rate-limited host (see <see cref="RateLimitCollection"/>).</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProxiedCollection : ICollectionFixture<ProxiedApiHost>
{
    public const string Name = "proxied";
}

/// <summary>
/// Behind a trusted proxy the per-client rate limits key on the client the proxy forwards for, not
/// on the proxy: one client's failed logins do not lock out the others.
/// </summary>
[Collection(ProxiedCollection.Name)]
public sealed class ForwardedHeadersTests(ProxiedApiHost host)
{
    [Fact]
    public async Task Failed_authentications_are_limited_per_forwarded_client()
    {
        var api = new ApiDriver(host);
        var badToken = host.Tokens.WrongSignature(Guid.NewGuid());
        var guesser = new Dictionary<string, string> { ["X-Forwarded-For"] = "203.0.113.7" };
        var bystander = new Dictionary<string, string> { ["X-Forwarded-For"] = "198.51.100.9" };

        var guesses = new List<int>();
        for (var i = 0; i < 5; i++)
        {
            guesses.Add((int)(await api.Send(HttpMethod.Get, "/api/v1/admin/niches", badToken, headers: guesser)).Status);
        }
        var other = await api.Send(HttpMethod.Get, "/api/v1/admin/niches", badToken, headers: bystander);

        Assert.Equal([401, 401, 401, 429, 429], guesses);
        Assert.Equal(401, (int)other.Status);
    }
}
