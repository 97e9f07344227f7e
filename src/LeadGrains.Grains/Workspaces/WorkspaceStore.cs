using Dapper;
using LeadGrains.Abstractions.Workspaces;
using Npgsql;

namespace LeadGrains.Grains.Workspaces;

public sealed class WorkspaceStore(NpgsqlDataSource db)
{
    /// <summary>Inserts the workspace unless it exists; returns what is stored.</summary>
    public async Task<WorkspaceView> Create(Guid id, string name)
    {
        await using var connection = await db.OpenConnectionAsync();
        await connection.ExecuteAsync(
            "INSERT INTO workspaces (id, name) VALUES (@id, @name) ON CONFLICT (id) DO NOTHING", new { id, name });
        return (await Find(id, CancellationToken.None))!;
    }

    public async Task<WorkspaceView?> Find(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<WorkspaceView>(new CommandDefinition(
            "SELECT id AS workspace_id, name FROM workspaces WHERE id = @id", new { id }, cancellationToken: cancellationToken));
    }
}
