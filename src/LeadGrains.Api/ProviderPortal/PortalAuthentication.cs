using LeadGrains.Api.Auth;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace LeadGrains.Api.ProviderPortal;

/// <summary>
/// The provider portal's browser session, as the ops console's: a cookie issued in exchange for a
/// token of the API's own identity source, carrying that token's claims. Every page needs the
/// provider role with its workspace and provider id, and shows that provider's data only.
/// </summary>
public static class PortalAuthentication
{
    public const string Scheme = "provider-portal";
    public const string Policy = "provider-portal";
    private const string CookieName = "leadgrains-portal";

    public static WebApplicationBuilder AddProviderPortal(this WebApplicationBuilder builder)
    {
        builder.Services.AddAuthentication().AddCookie(Scheme, cookie =>
        {
            cookie.Cookie.Name = CookieName;
            cookie.Cookie.HttpOnly = true;
            cookie.Cookie.SameSite = SameSiteMode.Strict;
            cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            cookie.Cookie.Path = "/portal";
            cookie.LoginPath = "/portal/login";
            cookie.AccessDeniedPath = "/portal/login";
            // A session never outlives the token it was exchanged for (PortalLogin sets its expiry).
            cookie.SlidingExpiration = false;
        });
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(Policy, policy => policy.AddAuthenticationSchemes(Scheme).RequireAuthenticatedUser()
                .AddRequirements(new RoleRequirement(Roles.Provider), new WorkspaceRequirement(), new ProviderRequirement()));
        builder.Services.AddSingleton<PortalLogin>();
        builder.Services.AddSingleton<PortalViews>();
        return builder;
    }
}
