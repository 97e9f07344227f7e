using System.Security.Claims;
using LeadGrains.Api.Auth;

namespace LeadGrains.Api.OpsConsole;

/// <summary>
/// Validates a token exactly as the API's bearer authentication does (<see cref="IssuedTokenValidator"/>)
/// and turns it into the console's session identity, if its roles may open the console or the dashboard.
/// </summary>
public sealed class ConsoleLogin(IssuedTokenValidator tokens)
{
    /// <summary>The session to issue, or why the token is refused (a message for the login page).</summary>
    public sealed record Outcome(ClaimsPrincipal? Principal, DateTimeOffset ExpiresAt, string? Refusal);

    public async Task<Outcome> Validate(string? token, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(token))
        {
            return Refused("Paste an access token.");
        }
        if (await tokens.Validate(token, ConsoleAuthentication.Scheme, cancellationToken) is not { } session)
        {
            return Refused("The token is not valid here (expired, wrong issuer or audience, or a bad signature).");
        }
        var (user, expiresAt) = session;
        if (Roles.Platform.Any(role => user.HasClaim(ClaimNames.Role, role)))
        {
            // A platform session sees every workspace (read only) and the Orleans dashboard: only with MFA.
            return user.HasMfa()
                ? new Outcome(user, expiresAt, null)
                : Refused("The platform's view needs a token issued after multi-factor authentication.");
        }
        if (!user.HasClaim(ClaimNames.Role, Roles.Ops) && !user.HasClaim(ClaimNames.Role, Roles.Admin))
        {
            return Refused("The console is for the ops and admin roles.");
        }
        if (user.TryGuid(ClaimNames.WorkspaceId) is null)
        {
            return Refused("The token names no workspace.");
        }
        return new Outcome(user, expiresAt, null);
    }

    private static Outcome Refused(string why) => new(null, default, why);
}
