using System.Text;
using LeadGrains.Api.Auth;

namespace LeadGrains.Api.Tests.Infrastructure;

/// <summary>Tokens for every kind of caller, good and bad.</summary>
public sealed class Tokens(AuthOptions auth)
{
    public string For(string role, Guid? workspace, Guid? provider = null, bool mfa = false) =>
        DevTokens.Mint(auth, new TokenRequest($"test-{role}", [role], workspace, provider, mfa));

    public string Admin(Guid workspace) => For(Roles.Admin, workspace, mfa: true);

    public string AdminWithoutMfa(Guid workspace) => For(Roles.Admin, workspace);

    public string Ops(Guid workspace) => For(Roles.Ops, workspace, mfa: true);

    public string Approver(Guid workspace) => For(Roles.Approver, workspace);

    public string Provider(Guid workspace, Guid provider) => For(Roles.Provider, workspace, provider);

    public string Platform() => For(Roles.PlatformAdmin, null, mfa: true);

    public string Expired(Guid workspace) => DevTokens.Mint(auth, new TokenRequest(
        "test-expired", [Roles.Admin], workspace, Mfa: true, Lifetime: TimeSpan.FromMinutes(10), IssuedAt: DateTimeOffset.UtcNow.AddHours(-2)));

    public string WrongSignature(Guid workspace) => DevTokens.Mint(
        new AuthOptions { SigningKey = "another-key-that-is-also-long-enough-0123456789", Issuer = auth.Issuer, Audience = auth.Audience },
        new TokenRequest("test-forger", [Roles.Admin], workspace, Mfa: true));

    public string WrongAudience(Guid workspace) => DevTokens.Mint(
        new AuthOptions { SigningKey = auth.SigningKey, Issuer = auth.Issuer, Audience = "someone-else" },
        new TokenRequest("test-audience", [Roles.Admin], workspace, Mfa: true));

    /// <summary>A well-formed token that claims to need no signature (<c>alg: none</c>).</summary>
    public string AlgNone(Guid workspace)
    {
        var exp = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds();
        var header = Base64Url("{\"alg\":\"none\",\"typ\":\"JWT\"}");
        var payload = Base64Url($"{{\"sub\":\"test-none\",\"role\":\"admin\",\"workspace_id\":\"{workspace}\",\"amr\":[\"mfa\"],\"iss\":\"{auth.Issuer}\",\"aud\":\"{auth.Audience}\",\"exp\":{exp}}}");
        return $"{header}.{payload}.";
    }

    private static string Base64Url(string json) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
