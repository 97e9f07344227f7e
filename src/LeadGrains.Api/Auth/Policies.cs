using Microsoft.AspNetCore.Authorization;

namespace LeadGrains.Api.Auth;

/// <summary>
/// Who may call what. Each policy lists its requirements; each failed requirement gives a reason
/// that the 403 answer states (wrong role, no workspace, no MFA).
/// </summary>
public static class Policies
{
    /// <summary>Creating workspaces.</summary>
    public const string Platform = "platform";
    /// <summary>Reading a workspace's configuration, leads and queues: admin or ops.</summary>
    public const string Read = "read";
    /// <summary>Changing a workspace (admin mutations): admin with MFA.</summary>
    public const string Manage = "manage";
    /// <summary>Submitting leads: approver or admin.</summary>
    public const string Intake = "intake";
    /// <summary>Working the dead-letter queue: admin or ops, with MFA.</summary>
    public const string Operate = "operate";
    /// <summary>Submitting leads for routing and reading their outcomes: a partner workspace's approver or admin, or a platform source.</summary>
    public const string RoutingIntake = "routing-intake";
    /// <summary>Reading the platform's routing (rules, submissions, logs, reports): a platform role.</summary>
    public const string PlatformRead = "platform-read";
    /// <summary>Working the routing dead letters: a platform role with MFA.</summary>
    public const string PlatformOperate = "platform-operate";
    /// <summary>A provider's own data.</summary>
    public const string Provider = "provider";
    /// <summary>
    /// The Orleans dashboard outside local mode: a platform role with MFA, by bearer token or console
    /// session. It shows every workspace's grains and load, so no workspace's ops or admin may see it.
    /// </summary>
    public const string Dashboard = "dashboard";

    public static IServiceCollection AddLeadGrainsPolicies(this IServiceCollection services)
    {
        services.AddSingleton<IAuthorizationHandler, RoleRequirementHandler>();
        services.AddSingleton<IAuthorizationHandler, WorkspaceRequirementHandler>();
        services.AddSingleton<IAuthorizationHandler, MfaRequirementHandler>();
        services.AddSingleton<IAuthorizationHandler, ProviderRequirementHandler>();
        services.AddSingleton<IAuthorizationHandler, RoutingSourceRequirementHandler>();
        services.AddAuthorizationBuilder()
            .AddPolicy(Platform, p => p.RequireAuthenticatedUser().AddRequirements(new RoleRequirement(Roles.PlatformAdmin)))
            .AddPolicy(Read, p => p.RequireAuthenticatedUser().AddRequirements(new RoleRequirement(Roles.Admin, Roles.Ops), new WorkspaceRequirement()))
            .AddPolicy(Manage, p => p.RequireAuthenticatedUser().AddRequirements(new RoleRequirement(Roles.Admin), new WorkspaceRequirement(), new MfaRequirement()))
            .AddPolicy(Intake, p => p.RequireAuthenticatedUser().AddRequirements(new RoleRequirement(Roles.Approver, Roles.Admin), new WorkspaceRequirement()))
            .AddPolicy(Operate, p => p.RequireAuthenticatedUser().AddRequirements(new RoleRequirement(Roles.Admin, Roles.Ops), new WorkspaceRequirement(), new MfaRequirement()))
            .AddPolicy(RoutingIntake, p => p.RequireAuthenticatedUser().AddRequirements(new RoutingSourceRequirement()))
            .AddPolicy(PlatformRead, p => p.RequireAuthenticatedUser().AddRequirements(new RoleRequirement(Roles.Platform)))
            .AddPolicy(PlatformOperate, p => p.RequireAuthenticatedUser().AddRequirements(new RoleRequirement(Roles.Platform), new MfaRequirement()))
            .AddPolicy(Provider, p => p.RequireAuthenticatedUser().AddRequirements(new RoleRequirement(Roles.Provider), new WorkspaceRequirement(), new ProviderRequirement()))
            .AddPolicy(Dashboard, p => p.AddAuthenticationSchemes(OpsConsole.ConsoleAuthentication.DashboardScheme).RequireAuthenticatedUser()
                .AddRequirements(new RoleRequirement(Roles.Platform), new MfaRequirement()));
        return services;
    }
}

/// <summary>The token carries at least one of these roles.</summary>
public sealed record RoleRequirement(params string[] Roles) : IAuthorizationRequirement;

/// <summary>The token names its workspace.</summary>
public sealed record WorkspaceRequirement : IAuthorizationRequirement;

/// <summary>The token was issued after multi-factor authentication (<c>amr</c> contains <c>mfa</c>).</summary>
public sealed record MfaRequirement : IAuthorizationRequirement;

/// <summary>The token speaks for a routing source: a platform source, or an approver or admin of a workspace.</summary>
public sealed record RoutingSourceRequirement : IAuthorizationRequirement;

/// <summary>The token names the provider it speaks for.</summary>
public sealed record ProviderRequirement : IAuthorizationRequirement;

internal sealed class RoleRequirementHandler : AuthorizationHandler<RoleRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, RoleRequirement requirement)
    {
        if (requirement.Roles.Any(role => context.User.HasClaim(ClaimNames.Role, role)))
        {
            context.Succeed(requirement);
        }
        else
        {
            context.Fail(new AuthorizationFailureReason(this, $"This requires the role {string.Join(" or ", requirement.Roles)}."));
        }
        return Task.CompletedTask;
    }
}

internal sealed class WorkspaceRequirementHandler : AuthorizationHandler<WorkspaceRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, WorkspaceRequirement requirement)
    {
        if (context.User.TryGuid(ClaimNames.WorkspaceId) is not null)
        {
            context.Succeed(requirement);
        }
        else
        {
            context.Fail(new AuthorizationFailureReason(this, "The token carries no valid workspace_id claim."));
        }
        return Task.CompletedTask;
    }
}

internal sealed class MfaRequirementHandler : AuthorizationHandler<MfaRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, MfaRequirement requirement)
    {
        if (context.User.HasMfa())
        {
            context.Succeed(requirement);
        }
        else
        {
            context.Fail(new AuthorizationFailureReason(this, "This change requires multi-factor authentication (amr must contain mfa)."));
        }
        return Task.CompletedTask;
    }
}

internal sealed class ProviderRequirementHandler : AuthorizationHandler<ProviderRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, ProviderRequirement requirement)
    {
        if (context.User.TryGuid(ClaimNames.ProviderId) is not null)
        {
            context.Succeed(requirement);
        }
        else
        {
            context.Fail(new AuthorizationFailureReason(this, "The token carries no valid provider_id claim."));
        }
        return Task.CompletedTask;
    }
}

internal sealed class RoutingSourceRequirementHandler : AuthorizationHandler<RoutingSourceRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, RoutingSourceRequirement requirement)
    {
        if (context.User.RoutingSource() is not null)
        {
            context.Succeed(requirement);
        }
        else
        {
            context.Fail(new AuthorizationFailureReason(this,
                $"This requires the role {Roles.PlatformSource}, or {Roles.Approver} or {Roles.Admin} with a workspace_id claim."));
        }
        return Task.CompletedTask;
    }
}
