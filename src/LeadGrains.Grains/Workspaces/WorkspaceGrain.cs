using LeadGrains.Abstractions;
using LeadGrains.Abstractions.Workspaces;

namespace LeadGrains.Grains.Workspaces;

public sealed class WorkspaceGrain(WorkspaceStore store) : Grain, IWorkspaceGrain
{
    public async Task<WorkspaceView> Create(string name)
    {
        var trimmed = name?.Trim() ?? "";
        if (trimmed.Length is < 1 or > 200)
        {
            throw new ValidationFailedException("name", "must be 1 to 200 characters.");
        }
        return await store.Create(this.GetPrimaryKey(), trimmed);
    }

    public Task<WorkspaceView?> Get(CancellationToken cancellationToken) => store.Find(this.GetPrimaryKey(), cancellationToken);
}
