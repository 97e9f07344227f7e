using System.Net;
using LeadGrains.Api.Auth;
using LeadGrains.Api.Tests.Infrastructure;

namespace LeadGrains.Api.Tests.Security;

/// <summary>
/// A correctly signed, unexpired token is still refused when it is older, or was made to live
/// longer, than <c>LeadGrains:Auth:MaxTokenAge</c> (12 h by default).
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class TokenAgeTests(LocalApiHost host)
{
    [Fact]
    public async Task A_token_made_to_live_longer_than_the_maximum_age_is_refused()
    {
        var api = new ApiDriver(host);
        var ws = await api.Workspace();
        var longLived = DevTokens.Mint(host.Auth, new TokenRequest("long-lived", [Roles.Admin], ws, Mfa: true, Lifetime: TimeSpan.FromDays(30)));

        var refused = await api.Get("/api/v1/admin/niches", longLived);

        Assert.Equal(HttpStatusCode.Unauthorized, refused.Status);
        Assert.Contains("12 h", refused.Str("detail"));
    }

    [Fact]
    public async Task A_token_issued_longer_ago_than_the_maximum_age_is_refused_though_unexpired()
    {
        var api = new ApiDriver(host);
        var ws = await api.Workspace();
        var old = DevTokens.Mint(host.Auth, new TokenRequest("old", [Roles.Admin], ws, Mfa: true,
            Lifetime: TimeSpan.FromHours(12), IssuedAt: DateTimeOffset.UtcNow.AddHours(-11).AddMinutes(-59)));
        var older = DevTokens.Mint(host.Auth, new TokenRequest("older", [Roles.Admin], ws, Mfa: true,
            Lifetime: TimeSpan.FromHours(14), IssuedAt: DateTimeOffset.UtcNow.AddHours(-13)));

        Assert.Equal(HttpStatusCode.OK, (await api.Get("/api/v1/admin/niches", old)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.Get("/api/v1/admin/niches", older)).Status);
    }
}
