using System.Security.Claims;
using LeadGrains.Api.Auth;

namespace LeadGrains.Api.ProviderPortal;

/// <summary>Turns a provider's token (validated as the API validates bearer tokens) into the portal's session identity.</summary>
public sealed class PortalLogin(IssuedTokenValidator tokens)
{
    /// <summary>The session to issue, or why the token is refused (a message for the login page).</summary>
    public sealed record Outcome(ClaimsPrincipal? Principal, DateTimeOffset ExpiresAt, string? Refusal);

    public async Task<Outcome> Validate(string? token, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(token))
        {
            return Refused("Paste your access token.");
        }
        if (await tokens.Validate(token, PortalAuthentication.Scheme, cancellationToken) is not { } session)
        {
            return Refused("The token is not valid here (expired, wrong issuer or audience, or a bad signature).");
        }
        var (user, expiresAt) = session;
        if (!user.HasClaim(ClaimNames.Role, Roles.Provider))
        {
            return Refused("The portal is for providers: this token has no provider role.");
        }
        if (user.TryGuid(ClaimNames.WorkspaceId) is null || user.TryGuid(ClaimNames.ProviderId) is null)
        {
            return Refused("The token names no workspace or no provider.");
        }
        return new Outcome(user, expiresAt, null);
    }

    private static Outcome Refused(string why) => new(null, default, why);
}
