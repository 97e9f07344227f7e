using Dapper;
using LeadGrains.Abstractions;
using LeadGrains.Abstractions.Providers;
using Npgsql;

namespace LeadGrains.Grains.Providers;

/// <summary>The provider grain's SQL. Money moves only through SQL functions (a deposit: <c>deposit_funds</c>, sql/migrations/0002_money.sql).</summary>
public sealed class ProviderStore(NpgsqlDataSource db)
{
    private const string ViewColumns =
        "id AS provider_id, workspace_id, name, email, webhook_url, status, balance_cents, email_enabled, sms_phone, NULL::text AS webhook_secret";

    /// <summary>The view with the secret: only in the answer of the write that created it.</summary>
    private const string ViewColumnsWithSecret =
        "id AS provider_id, workspace_id, name, email, webhook_url, status, balance_cents, email_enabled, sms_phone, webhook_secret";

    public async Task<ProviderView?> Find(Guid providerId)
    {
        await using var connection = await db.OpenConnectionAsync();
        return await connection.QuerySingleOrDefaultAsync<ProviderView>(
            $"SELECT {ViewColumns} FROM providers WHERE id = @providerId", new { providerId });
    }

    // Names are stored in Unicode NFC (composed by PostgreSQL: see LeadStore.Insert).
    public async Task<ProviderView> Insert(Guid providerId, RegisterProviderCommand command, string? webhookSecret)
    {
        await using var connection = await db.OpenConnectionAsync();
        try
        {
            return await connection.QuerySingleAsync<ProviderView>($"""
                INSERT INTO providers (id, workspace_id, name, email, webhook_url, webhook_secret, email_enabled, sms_phone)
                VALUES (@providerId, @WorkspaceId, normalize(@Name, NFC), @Email, @WebhookUrl, @webhookSecret, @EmailEnabled, @SmsPhone)
                RETURNING {ViewColumnsWithSecret}
                """, new { providerId, command.WorkspaceId, command.Name, command.Email, command.WebhookUrl, webhookSecret, command.EmailEnabled, command.SmsPhone });
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ForeignKeyViolation)
        {
            throw new ValidationFailedException("workspace_id", "does not name an existing workspace.");
        }
    }

    /// <summary>
    /// Applies the change. A webhook URL given to a provider without a secret gets <paramref name="newSecret"/>
    /// (returned this once); an empty URL removes the webhook and its secrets; an empty SMS number removes it.
    /// </summary>
    public async Task<ProviderView?> Update(Guid providerId, ProviderUpdate update, string newSecret)
    {
        await using var connection = await db.OpenConnectionAsync();
        return await connection.QuerySingleOrDefaultAsync<ProviderView>("""
            WITH before AS (SELECT id, webhook_secret FROM providers WHERE id = @providerId FOR UPDATE)
            UPDATE providers p
               SET name = coalesce(normalize(@Name, NFC), name), email = coalesce(@Email, email), status = coalesce(@Status, status),
                   email_enabled = coalesce(@EmailEnabled, email_enabled),
                   sms_phone = CASE WHEN @SmsPhone IS NULL THEN sms_phone ELSE nullif(@SmsPhone, '') END,
                   webhook_url = CASE WHEN @WebhookUrl IS NULL THEN webhook_url ELSE nullif(@WebhookUrl, '') END,
                   webhook_secret = CASE WHEN @WebhookUrl = '' THEN NULL
                                         WHEN @WebhookUrl IS NOT NULL AND p.webhook_secret IS NULL THEN @newSecret
                                         ELSE p.webhook_secret END,
                   webhook_previous_secret = CASE WHEN @WebhookUrl = '' THEN NULL ELSE webhook_previous_secret END,
                   webhook_previous_secret_expires_at = CASE WHEN @WebhookUrl = '' THEN NULL ELSE webhook_previous_secret_expires_at END,
                   updated_at = now()
              FROM before
             WHERE p.id = before.id
            RETURNING p.id AS provider_id, p.workspace_id, p.name, p.email, p.webhook_url, p.status, p.balance_cents, p.email_enabled, p.sms_phone,
                      CASE WHEN before.webhook_secret IS NULL THEN p.webhook_secret END AS webhook_secret
            """, new { providerId, update.Name, update.Email, update.WebhookUrl, update.Status, update.EmailEnabled, update.SmsPhone, newSecret });
    }

    /// <summary>Makes <paramref name="secret"/> the signing secret and keeps the current one signing until <paramref name="previousExpiresAt"/>; false if the provider has no webhook.</summary>
    public async Task<bool> RotateWebhookSecret(Guid providerId, string secret, DateTimeOffset previousExpiresAt)
    {
        await using var connection = await db.OpenConnectionAsync();
        return await connection.ExecuteAsync("""
            UPDATE providers
               SET webhook_previous_secret = webhook_secret, webhook_previous_secret_expires_at = @previousExpiresAt,
                   webhook_secret = @secret, updated_at = now()
             WHERE id = @providerId AND webhook_url IS NOT NULL AND webhook_secret IS NOT NULL
            """, new { providerId, secret, previousExpiresAt }) == 1;
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
              FROM deposit_funds(@entryId, @providerId, @AmountCents, @IdempotencyKey, @fingerprint, @Reference, @now, @Actor)
            """, new { entryId, providerId, command.AmountCents, command.IdempotencyKey, fingerprint, command.Reference, now, command.Actor });
    }

    /// <summary>
    /// Moves the provider to another time zone and recounts its capped subscriptions' current periods
    /// in it (<c>set_provider_time_zone</c>); false if it is not a provider of the workspace.
    /// </summary>
    public async Task<bool> SetTimeZone(Guid providerId, Guid workspaceId, string timeZone, DateTimeOffset now)
    {
        await using var connection = await db.OpenConnectionAsync();
        try
        {
            return await connection.QuerySingleAsync<bool>(
                "SELECT set_provider_time_zone(@providerId, @workspaceId, @timeZone, @now)", new { providerId, workspaceId, timeZone, now });
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InvalidParameterValue)
        {
            throw new ValidationFailedException("time_zone", "is not a time zone the database knows.");
        }
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
