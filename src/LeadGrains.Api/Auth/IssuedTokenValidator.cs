using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;

namespace LeadGrains.Api.Auth;

/// <summary>
/// Validates a pasted token exactly as the API's bearer authentication does (its handlers and
/// validation parameters, the authority's signing keys when one is configured), so a browser session
/// can be exchanged for it: the ops console's and the provider portal's sign-in.
/// </summary>
public sealed class IssuedTokenValidator(IOptionsMonitor<JwtBearerOptions> bearer)
{
    /// <summary>The token's claims as an identity of <paramref name="scheme"/> and when the token expires; null if it is not valid here.</summary>
    public async Task<(ClaimsPrincipal User, DateTimeOffset ExpiresAt)?> Validate(string token, string scheme, CancellationToken cancellationToken)
    {
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
            if (result.IsValid)
            {
                var identity = new ClaimsIdentity(result.ClaimsIdentity.Claims, scheme, ClaimNames.Subject, ClaimNames.Role);
                return (new ClaimsPrincipal(identity), result.SecurityToken.ValidTo);
            }
        }
        return null;
    }
}
