using System.Security.Claims;
using LeadGrains.Api.Auth;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace LeadGrains.Api.OpsConsole;

/// <summary>
/// Validates a token exactly as the API's bearer authentication does (its handlers and validation
/// parameters, the authority's signing keys when one is configured) and turns it into the
/// console's session identity.
/// </summary>
public sealed class ConsoleLogin(IOptionsMonitor<JwtBearerOptions> bearer)
{
    /// <summary>The session to issue, or why the token is refused (a message for the login page).</summary>
    public sealed record Outcome(ClaimsPrincipal? Principal, DateTimeOffset ExpiresAt, string? Refusal);

    public async Task<Outcome> Validate(string? token, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(token))
        {
            return Refused("Paste an access token.");
        }
        var options = bearer.Get(JwtBearerDefaults.AuthenticationScheme);
        var parameters = options.TokenValidationParameters.Clone();
        if (options.ConfigurationManager is { } configuration)
        {
            var discovered = await configuration.GetConfigurationAsync(cancellationToken);
            parameters.IssuerSigningKeys = discovered.SigningKeys;
        }
        foreach (var handler in options.TokenHandlers)
        {
            var result = await handler.ValidateTokenAsync(token.Trim(), parameters);
            if (!result.IsValid)
            {
                continue;
            }
            var identity = new ClaimsIdentity(result.ClaimsIdentity.Claims, ConsoleAuthentication.Scheme, ClaimNames.Subject, ClaimNames.Role);
            var user = new ClaimsPrincipal(identity);
            if (Roles.Platform.Any(role => user.HasClaim(ClaimNames.Role, role)))
            {
                // A platform session sees every workspace (read only) and the Orleans dashboard: only with MFA.
                return user.HasMfa()
                    ? new Outcome(user, result.SecurityToken.ValidTo, null)
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
            return new Outcome(user, result.SecurityToken.ValidTo, null);
        }
        return Refused("The token is not valid here (expired, wrong issuer or audience, or a bad signature).");
    }

    private static Outcome Refused(string why) => new(null, default, why);
}
