namespace LeadGrains.Api.Auth;

/// <summary>The roles a token's <c>role</c> claims may carry, and the other claims the API reads.</summary>
public static class Roles
{
    public const string PlatformAdmin = "platform_admin";
    /// <summary>Runs the cluster for every tenant (the Orleans dashboard) without any workspace's data.</summary>
    public const string PlatformOps = "platform_ops";
    /// <summary>An API client of the platform (a lead vendor, say) that submits leads for routing and reads their outcomes, and nothing else.</summary>
    public const string PlatformSource = "platform_source";
    public const string Admin = "admin";
    public const string Ops = "ops";
    public const string Approver = "approver";
    public const string Provider = "provider";

    public static readonly string[] All = [PlatformAdmin, PlatformOps, PlatformSource, Admin, Ops, Approver, Provider];

    /// <summary>The roles that operate the platform rather than one workspace.</summary>
    public static readonly string[] Platform = [PlatformAdmin, PlatformOps];
}

/// <summary>Claim names of LeadGrains tokens.</summary>
public static class ClaimNames
{
    public const string Subject = "sub";
    public const string Role = "role";
    public const string WorkspaceId = "workspace_id";
    public const string ProviderId = "provider_id";
    public const string AuthenticationMethods = "amr";
    public const string Mfa = "mfa";
}
