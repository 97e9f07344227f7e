using LeadGrains.Abstractions.Workspaces;
using LeadGrains.Api.Audit;
using LeadGrains.Api.Auth;
using LeadGrains.Api.Json;
using LeadGrains.Api.OpenApi;

namespace LeadGrains.Api.Platform;

public sealed record CreateWorkspaceRequest(string? Name);

public sealed record WorkspaceResponse(Guid WorkspaceId, string Name);

/// <summary>Tenants: created by platform admins.</summary>
public static class WorkspaceEndpoints
{
    public static void MapWorkspaceEndpoints(this IEndpointRouteBuilder app)
    {
        var platform = app.MapGroup("/api/v1/platform").WithTags("Platform").RequireAuthorization(Policies.Platform);
        platform.MapPost("/workspaces", Create).WithName("createWorkspace").WithSummary("Create a workspace (platform administrators)").Accepts<CreateWorkspaceRequest>("application/json")
            .Produces<WorkspaceResponse>(StatusCodes.Status201Created).WithBodyProblems();
    }

    private static async Task<IResult> Create(HttpContext http, IGrainFactory grains, AuditLog audit)
    {
        var body = await JsonBody.Read<CreateWorkspaceRequest>(http);
        var id = Guid.CreateVersion7();
        var workspace = await grains.GetGrain<IWorkspaceGrain>(id).Create(body.Name ?? "");
        await audit.Write(id, http.User.Actor(), "workspace.created", "workspace", id, new { workspace.Name });
        return Results.Created($"/api/v1/platform/workspaces/{id}", new WorkspaceResponse(workspace.WorkspaceId, workspace.Name));
    }
}
