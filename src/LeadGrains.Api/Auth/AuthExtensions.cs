using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using LeadGrains.Api.Errors;

namespace LeadGrains.Api.Auth;

/// <summary>Bearer-token authentication and the API's answers when it fails (401) or forbids (403).</summary>
public static class AuthExtensions
{
    public static WebApplicationBuilder AddLeadGrainsAuth(this WebApplicationBuilder builder)
    {
        var options = AuthOptions.From(builder.Configuration);
        // Without a key or an authority no token could ever validate: refuse to start rather than answer 500s.
        var signingKey = string.IsNullOrWhiteSpace(options.Authority) ? new SymmetricSecurityKey(options.SigningKeyBytes()) : null;
        builder.Services.AddSingleton(options);
        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(jwt =>
        {
            jwt.MapInboundClaims = false;
            jwt.TokenValidationParameters = new TokenValidationParameters
            {
                ValidIssuer = options.Issuer,
                ValidAudience = options.Audience,
                NameClaimType = ClaimNames.Subject,
                RoleClaimType = ClaimNames.Role,
                RequireSignedTokens = true,
                RequireExpirationTime = true,
                ValidateLifetime = true,
                ClockSkew = TimeSpan.FromSeconds(30),
            };
            if (signingKey is null)
            {
                jwt.Authority = options.Authority;
                jwt.TokenValidationParameters.ValidAlgorithms = [SecurityAlgorithms.RsaSha256];
            }
            else
            {
                jwt.TokenValidationParameters.IssuerSigningKey = signingKey;
                jwt.TokenValidationParameters.ValidAlgorithms = [SecurityAlgorithms.HmacSha256];
            }
            jwt.Events = new JwtBearerEvents { OnChallenge = WriteChallenge, OnTokenValidated = context => RequireBoundedAge(context, options) };
        });
        builder.Services.AddLeadGrainsPolicies();
        builder.Services.AddSingleton<IAuthorizationMiddlewareResultHandler, ProblemAuthorizationResultHandler>();
        return builder;
    }

    /// <summary>
    /// A valid signature and expiry are not enough: the token must say when it was issued (iat) and
    /// live no longer than <see cref="AuthOptions.MaxTokenAge"/> from then, so with its expiry
    /// checked no token is accepted longer than that after it was issued.
    /// </summary>
    private static Task RequireBoundedAge(TokenValidatedContext context, AuthOptions options)
    {
        var token = context.SecurityToken;
        var issuedAt = token is JsonWebToken jwt ? jwt.IssuedAt : DateTime.MinValue;
        if (issuedAt == DateTime.MinValue || token.ValidTo - issuedAt > options.MaxTokenAge)
        {
            context.Fail(new SecurityTokenInvalidLifetimeException(
                $"A token must carry its issue time (iat) and be at most {options.MaxTokenAge.TotalHours:0.##} h old and long-lived."));
        }
        return Task.CompletedTask;
    }

    private static async Task WriteChallenge(JwtBearerChallengeContext context)
    {
        context.HandleResponse();
        var detail = context.AuthenticateFailure switch
        {
            null when !context.Request.Headers.Authorization.Any() => "A bearer token is required.",
            null => "The bearer token is missing or malformed.",
            SecurityTokenExpiredException => "The token has expired.",
            SecurityTokenInvalidLifetimeException failure => failure.Message,
            SecurityTokenInvalidSignatureException or SecurityTokenSignatureKeyNotFoundException => "The token's signature is invalid.",
            SecurityTokenInvalidAlgorithmException => "The token's signing algorithm is not accepted.",
            SecurityTokenInvalidIssuerException => "The token's issuer is not accepted.",
            SecurityTokenInvalidAudienceException => "The token's audience is not accepted.",
            _ => "The token is invalid.",
        };
        context.Response.Headers.WWWAuthenticate = context.AuthenticateFailure is null ? "Bearer" : "Bearer error=\"invalid_token\"";
        await Problems.Write(context.HttpContext, StatusCodes.Status401Unauthorized, detail);
    }
}

/// <summary>Answers a forbidden request with problem details that say which requirement failed.</summary>
internal sealed class ProblemAuthorizationResultHandler : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (authorizeResult.Forbidden)
        {
            var reasons = authorizeResult.AuthorizationFailure?.FailureReasons.Select(r => r.Message).Distinct().ToList() ?? [];
            return Problems.Write(context, StatusCodes.Status403Forbidden,
                reasons.Count > 0 ? string.Join(" ", reasons) : "This token may not do this.");
        }
        return _default.HandleAsync(next, context, policy, authorizeResult);
    }
}
