using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace LeadGrains.Api.Auth;

/// <summary>What a dev token says about its bearer.</summary>
public sealed record TokenRequest(
    string Subject,
    IReadOnlyList<string> Roles,
    Guid? WorkspaceId = null,
    Guid? ProviderId = null,
    bool Mfa = false,
    TimeSpan? Lifetime = null,
    DateTimeOffset? IssuedAt = null);

/// <summary>Mints HS256 tokens from the configured signing key, for local use and tests.</summary>
public static class DevTokens
{
    public static string Mint(AuthOptions options, TokenRequest request)
    {
        var issuedAt = (request.IssuedAt ?? DateTimeOffset.UtcNow).UtcDateTime;
        var claims = new Dictionary<string, object>
        {
            [ClaimNames.Subject] = request.Subject,
            [ClaimNames.Role] = request.Roles.ToArray(),
            [ClaimNames.AuthenticationMethods] = request.Mfa ? new[] { "pwd", ClaimNames.Mfa } : new[] { "pwd" },
        };
        if (request.WorkspaceId is { } workspace)
        {
            claims[ClaimNames.WorkspaceId] = workspace.ToString();
        }
        if (request.ProviderId is { } provider)
        {
            claims[ClaimNames.ProviderId] = provider.ToString();
        }
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = options.Issuer,
            Audience = options.Audience,
            IssuedAt = issuedAt,
            NotBefore = issuedAt,
            Expires = issuedAt + (request.Lifetime ?? TimeSpan.FromHours(1)),
            Claims = claims,
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(options.SigningKeyBytes()), SecurityAlgorithms.HmacSha256),
        };
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }
}
