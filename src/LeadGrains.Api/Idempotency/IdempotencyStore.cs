using Dapper;
using Npgsql;

namespace LeadGrains.Api.Idempotency;

/// <summary>The stored answers of idempotent requests (table <c>api_idempotency_keys</c>).</summary>
public sealed class IdempotencyStore(NpgsqlDataSource db)
{
    /// <summary>An in-flight claim older than this is taken to belong to a request that died.</summary>
    public static readonly TimeSpan AbandonedAfter = TimeSpan.FromMinutes(1);

    public sealed record Entry(string RequestHash, int? StatusCode, string? ContentType, byte[]? ResponseBody);

    /// <summary>Claims the key for this request; false if another request holds or held it.</summary>
    public async Task<bool> TryClaim(Guid workspaceId, string key, string requestHash, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var claimed = await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO api_idempotency_keys (workspace_id, idempotency_key, request_hash)
            VALUES (@workspaceId, @key, @requestHash)
            ON CONFLICT (workspace_id, idempotency_key) DO UPDATE SET created_at = now()
             WHERE api_idempotency_keys.completed_at IS NULL
               AND api_idempotency_keys.request_hash = excluded.request_hash
               AND api_idempotency_keys.created_at < now() - @abandonedAfter
            """, new { workspaceId, key, requestHash, abandonedAfter = AbandonedAfter }, cancellationToken: cancellationToken));
        return claimed == 1;
    }

    public async Task<Entry?> Find(Guid workspaceId, string key, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<Entry>(new CommandDefinition("""
            SELECT request_hash, status_code, content_type, response_body
              FROM api_idempotency_keys WHERE workspace_id = @workspaceId AND idempotency_key = @key
            """, new { workspaceId, key }, cancellationToken: cancellationToken));
    }

    // Completing and releasing are not cancelled with the request: the key's state must be settled either way.
    public async Task Complete(Guid workspaceId, string key, int statusCode, string? contentType, byte[] body)
    {
        await using var connection = await db.OpenConnectionAsync();
        await connection.ExecuteAsync("""
            UPDATE api_idempotency_keys
               SET status_code = @statusCode, content_type = @contentType, response_body = @body, completed_at = now()
             WHERE workspace_id = @workspaceId AND idempotency_key = @key
            """, new { workspaceId, key, statusCode, contentType, body });
    }

    /// <summary>Releases the key after a refusal or a fault, so a retry executes again.</summary>
    public async Task Release(Guid workspaceId, string key)
    {
        await using var connection = await db.OpenConnectionAsync();
        await connection.ExecuteAsync(
            "DELETE FROM api_idempotency_keys WHERE workspace_id = @workspaceId AND idempotency_key = @key AND completed_at IS NULL",
            new { workspaceId, key });
    }
}
