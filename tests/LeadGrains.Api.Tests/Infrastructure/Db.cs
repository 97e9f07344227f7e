using Dapper;

namespace LeadGrains.Api.Tests.Infrastructure;

/// <summary>Direct looks at the database behind the API.</summary>
public static class Db
{
    public static async Task<T> Scalar<T>(LocalApiHost host, string sql, object? parameters = null)
    {
        await using var connection = await host.Database.OpenConnectionAsync();
        return (await connection.ExecuteScalarAsync<T>(sql, parameters))!;
    }

    public static async Task<IReadOnlyList<T>> Query<T>(LocalApiHost host, string sql, object? parameters = null)
    {
        await using var connection = await host.Database.OpenConnectionAsync();
        return (await connection.QueryAsync<T>(sql, parameters)).ToList();
    }

    public static async Task Execute(LocalApiHost host, string sql, object? parameters = null)
    {
        await using var connection = await host.Database.OpenConnectionAsync();
        await connection.ExecuteAsync(sql, parameters);
    }

    /// <summary>
    /// A fingerprint of everything a workspace owns (rows and their content, audit and idempotency
    /// rows included): equal before and after a request means the request changed nothing.
    /// </summary>
    public static Task<string> WorkspaceFingerprint(LocalApiHost host, Guid workspace) => Scalar<string>(host, """
        SELECT md5(concat_ws('|',
            (SELECT string_agg(t::text, ',' ORDER BY t.id) FROM niches t WHERE workspace_id = @workspace),
            (SELECT string_agg(t::text, ',' ORDER BY t.id) FROM competition_levels t JOIN niches n ON n.id = t.niche_id WHERE n.workspace_id = @workspace),
            (SELECT string_agg(t::text, ',' ORDER BY t.id) FROM providers t WHERE workspace_id = @workspace),
            (SELECT string_agg(t::text, ',' ORDER BY t.id) FROM subscriptions t JOIN providers p ON p.id = t.provider_id WHERE p.workspace_id = @workspace),
            (SELECT string_agg(t::text, ',' ORDER BY t.id) FROM ledger_entries t JOIN providers p ON p.id = t.provider_id WHERE p.workspace_id = @workspace),
            (SELECT string_agg(t::text, ',' ORDER BY t.id) FROM leads t WHERE workspace_id = @workspace),
            (SELECT string_agg(t::text, ',' ORDER BY t.id) FROM lead_assignments t JOIN leads l ON l.id = t.lead_id WHERE l.workspace_id = @workspace),
            (SELECT string_agg(t::text, ',' ORDER BY t.id) FROM audit_log t WHERE workspace_id = @workspace),
            (SELECT string_agg(t::text, ',' ORDER BY t.idempotency_key) FROM api_idempotency_keys t WHERE workspace_id = @workspace)))
        """, new { workspace });
}
