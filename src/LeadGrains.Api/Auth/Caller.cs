using System.Security.Claims;
using LeadGrains.Abstractions.Routing;
using LeadGrains.Api.Errors;

namespace LeadGrains.Api.Auth;

/// <summary>Who is calling, read from an authenticated (and authorized) principal.</summary>
public static class Caller
{
    /// <summary>The token's subject: the actor in audit rows.</summary>
    public static string Actor(this ClaimsPrincipal user) => user.FindFirst(ClaimNames.Subject)?.Value ?? "unknown";

    /// <summary>The caller's workspace; the policies guarantee it for workspace-scoped endpoints.</summary>
    public static Guid WorkspaceId(this ClaimsPrincipal user) =>
        TryGuid(user, ClaimNames.WorkspaceId) ?? throw new ApiProblemException(StatusCodes.Status403Forbidden, "The token carries no valid workspace_id claim.");

    /// <summary>The provider a provider token speaks for.</summary>
    public static Guid ProviderId(this ClaimsPrincipal user) =>
        TryGuid(user, ClaimNames.ProviderId) ?? throw new ApiProblemException(StatusCodes.Status403Forbidden, "The token carries no valid provider_id claim.");

    /// <summary>
    /// The routing source the caller speaks for: a platform source by its subject, else the workspace of
    /// an approver or admin; null for anyone else.
    /// </summary>
    public static RoutingSource? RoutingSource(this ClaimsPrincipal user) =>
        user.HasClaim(ClaimNames.Role, Roles.PlatformSource) && user.FindFirst(ClaimNames.Subject)?.Value is { Length: > 0 } subject
            ? new RoutingSource(Abstractions.Routing.RoutingSource.Client, subject)
        : (user.HasClaim(ClaimNames.Role, Roles.Approver) || user.HasClaim(ClaimNames.Role, Roles.Admin)) && TryGuid(user, ClaimNames.WorkspaceId) is { } workspaceId
            ? new RoutingSource(Abstractions.Routing.RoutingSource.Workspace, workspaceId.ToString())
        : null;

    public static Guid? TryGuid(this ClaimsPrincipal user, string claim) =>
        Guid.TryParse(user.FindFirst(claim)?.Value, out var id) && id != Guid.Empty ? id : null;

    public static bool HasMfa(this ClaimsPrincipal user) =>
        user.FindAll(ClaimNames.AuthenticationMethods).Any(c => c.Value == ClaimNames.Mfa);
}
