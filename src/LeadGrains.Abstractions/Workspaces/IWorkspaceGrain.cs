namespace LeadGrains.Abstractions.Workspaces;

/// <summary>A tenant. Everything else belongs to exactly one workspace.</summary>
public interface IWorkspaceGrain : IGrainWithGuidKey
{
    /// <summary>Creates the workspace (idempotent for the same name). Throws <see cref="ValidationFailedException"/> on a bad name.</summary>
    Task<WorkspaceView> Create(string name);

    /// <summary>The workspace, or null if it does not exist.</summary>
    /// <param name="cancellationToken">Cancels the call and its database query (a caller that went away).</param>
    Task<WorkspaceView?> Get(CancellationToken cancellationToken = default);
}

/// <summary>A workspace.</summary>
/// <param name="WorkspaceId">Its id.</param>
/// <param name="Name">Its name.</param>
[GenerateSerializer, Immutable]
public sealed record WorkspaceView([property: Id(0)] Guid WorkspaceId, [property: Id(1)] string Name);
