using Dapper;
using LeadGrains.Abstractions;
using LeadGrains.Abstractions.Providers;
using Npgsql;

namespace LeadGrains.Grains.Providers;

/// <summary>The provider grain's SQL. Money moves only through the SQL functions of migration 0002.</summary>
public sealed class ProviderStore(NpgsqlDataSource db)
{
    private const string ViewColumns = "id AS provider_id, workspace_id, name, email, webhook_url, status, balance_cents";

    public async Task<ProviderView?> Find(Guid providerId)
    {
        await using var connection = await db.OpenConnectionAsync();
        return await connection.QuerySingleOrDefaultAsync<ProviderView>(
            $"SELECT {ViewColumns} FROM providers WHERE id = @providerId", new { providerId });
    }

    public async Task<ProviderView> Insert(Guid providerId, RegisterProviderCommand command)
    {
        await using var connection = await db.OpenConnectionAsync();
        try
        {
            return await connection.QuerySingleAsync<ProviderView>($"""
                INSERT INTO providers (id, workspace_id, name, email, webhook_url)
                VALUES (@providerId, @WorkspaceId, @Name, @Email, @WebhookUrl)
                RETURNING {ViewColumns}
                """, new { providerId, command.WorkspaceId, command.Name, command.Email, command.WebhookUrl });
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ForeignKeyViolation)
        {
            throw new ValidationFailedException("workspace_id", "does not name an existing workspace.");
        }
    }

    public async Task<ProviderView?> Update(Guid providerId, ProviderUpdate update)
    {
        await using var connection = await db.OpenConnectionAsync();
        return await connection.QuerySingleOrDefaultAsync<ProviderView>($"""
            UPDATE providers
               SET name = coalesce(@Name, name), email = coalesce(@Email, email),
                   webhook_url = coalesce(@WebhookUrl, webhook_url), status = coalesce(@Status, status), updated_at = now()
             WHERE id = @providerId
            RETURNING {ViewColumns}
            """, new { providerId, update.Name, update.Email, update.WebhookUrl, update.Status });
    }

    public sealed record DepositRow
{
    public string Outcome { get; init; } = "";
    public Guid? EntryId { get; init; }
    public long AmountCents { get; init; }
    public long BalanceCents { get; init; }
    public Guid[] ReactivatedSubscriptionIds { get; init; } = [];
}

    public async Task<DepositRow> Deposit(Guid providerId, Guid entryId, DepositCommand command, string fingerprint, DateTimeOffset now)
    {
        await using var connection = await db.OpenConnectionAsync();
        return await connection.QuerySingleAsync<DepositRow>("""
            SELECT outcome, entry_id, amount_cents, balance_cents, reactivated_subscription_ids
              FROM deposit_funds(@entryId, @providerId, @AmountCents, @IdempotencyKey, @fingerprint, @Reference, @now)
            """, new { entryId, providerId, command.AmountCents, command.IdempotencyKey, fingerprint, command.Reference, now });
    }

    /// <summary>The niches the provider subscribes in, each with its subscriptions there.</summary>
    public async Task<IReadOnlyList<(Guid NicheId, Guid[] SubscriptionIds)>> NichesOf(Guid providerId)
    {
        await using var connection = await db.OpenConnectionAsync();
        var rows = await connection.QueryAsync<(Guid, Guid[])>("""
            SELECT niche_id, array_agg(id) FROM subscriptions
             WHERE provider_id = @providerId
             GROUP BY niche_id
            """, new { providerId });
        return rows.ToList();
    }
}
