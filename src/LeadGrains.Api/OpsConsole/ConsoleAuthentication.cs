using LeadGrains.Api.Auth;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.JwtBearer;

namespace LeadGrains.Api.OpsConsole;

/// <summary>
/// The ops console's browser session: a cookie issued in exchange for a token of the API's own
/// identity source (the same issuer, audience and keys), carrying that token's claims. Workspace
/// pages need the ops or admin role; actions also need MFA, exactly as the API's dead-letter
/// endpoints do. Platform roles (with MFA) get the list of workspaces and read any one's page.
/// </summary>
public static class ConsoleAuthentication
{
    public const string Scheme = "ops-console";
    public const string ReadPolicy = "console-read";
    public const string OperatePolicy = "console-operate";
    public const string PlatformPolicy = "console-platform";
    public const string DashboardScheme = "bearer-or-console";
    private const string CookieName = "leadgrains-console";

    public static WebApplicationBuilder AddOpsConsole(this WebApplicationBuilder builder)
    {
        builder.Services.AddAuthentication().AddCookie(Scheme, cookie =>
        {
            cookie.Cookie.Name = CookieName;
            cookie.Cookie.HttpOnly = true;
            cookie.Cookie.SameSite = SameSiteMode.Strict;
            cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            cookie.Cookie.Path = "/";
            cookie.LoginPath = "/console/login";
            cookie.AccessDeniedPath = "/console/denied";
            // A session never outlives the token it was exchanged for (ConsoleLogin sets its expiry).
            cookie.SlidingExpiration = false;
        });
        // The Orleans dashboard's pages answer to a console session in a browser and to a bearer token otherwise.
        builder.Services.AddAuthentication().AddPolicyScheme(DashboardScheme, "bearer token or console session", forward =>
            forward.ForwardDefaultSelector = http => http.Request.Cookies.ContainsKey(CookieName) ? Scheme : JwtBearerDefaults.AuthenticationScheme);
        builder.Services.AddAntiforgery(antiforgery => antiforgery.Cookie.Name = "leadgrains-console-csrf");
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(ReadPolicy, policy => policy.AddAuthenticationSchemes(Scheme).RequireAuthenticatedUser()
                .AddRequirements(new RoleRequirement(Roles.Ops, Roles.Admin), new WorkspaceRequirement()))
            .AddPolicy(OperatePolicy, policy => policy.AddAuthenticationSchemes(Scheme).RequireAuthenticatedUser()
                .AddRequirements(new RoleRequirement(Roles.Ops, Roles.Admin), new WorkspaceRequirement(), new MfaRequirement()))
            // Platform operators see every workspace, read only, as the dashboard needs: with MFA.
            .AddPolicy(PlatformPolicy, policy => policy.AddAuthenticationSchemes(Scheme).RequireAuthenticatedUser()
                .AddRequirements(new RoleRequirement(Roles.Platform), new MfaRequirement()));
        builder.Services.AddSingleton<ConsoleLogin>();
        builder.Services.AddSingleton<ConsoleViews>();
        return builder;
    }
}
