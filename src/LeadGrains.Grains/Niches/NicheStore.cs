using Dapper;
using LeadGrains.Abstractions;
using LeadGrains.Abstractions.Niches;
using Npgsql;

namespace LeadGrains.Grains.Niches;

/// <summary>The niche grain's SQL: its configuration and subscriptions.</summary>
public sealed class NicheStore(NpgsqlDataSource db)
{
    private const string ControlColumns = """
        p.time_zone, s.leads_per_day, s.leads_per_week, s.leads_per_month,
        s.budget_cents_per_day, s.budget_cents_per_week, s.budget_cents_per_month,
        s.delivery_hours::text AS delivery_hours, s.provider_bounds::text AS provider_bounds
        """;

    private const string SubscriptionColumns = $"""
        s.id, s.provider_id, s.level_id, s.filters::text AS filters, s.status, s.last_received_at,
        p.status AS provider_status, p.balance_cents AS provider_balance_cents, {ControlColumns}
        """;

    /// <summary>The niche's capped subscriptions' counts of the periods they last counted in (@nicheId; optionally only @ids).</summary>
    private const string CurrentUsage = """
        SELECT u.subscription_id, x.period, x.start::text AS period_start, x.leads, x.spend_cents
          FROM subscription_usage u
          JOIN subscriptions s ON s.id = u.subscription_id
         CROSS JOIN LATERAL (VALUES ('day', u.day_start, u.day_leads, u.day_spend_cents),
                                    ('week', u.week_start, u.week_leads, u.week_spend_cents),
                                    ('month', u.month_start, u.month_leads, u.month_spend_cents)) AS x(period, start, leads, spend_cents)
         WHERE s.niche_id = @nicheId AND (@ids::uuid[] IS NULL OR s.id = ANY(@ids))
        """;

    /// <summary>
    /// The niche's subscriptions with their last service as the assignments say: the saved
    /// last_received_at can lag the niche by a few seconds (<see cref="UnsavedServices"/>).
    /// </summary>
    private const string ServedSubscriptions = $"""
        SELECT s.id, s.provider_id, s.level_id, s.filters::text AS filters, s.status, lr.last_received_at, lr.service_saved,
               p.status AS provider_status, p.balance_cents AS provider_balance_cents, {ControlColumns}
          FROM subscriptions s
          JOIN providers p ON p.id = s.provider_id
          JOIN subscriptions_last_received(ARRAY[@nicheId]) lr ON lr.subscription_id = s.id
         WHERE s.niche_id = @nicheId
        """;

    public async Task<NicheSnapshot?> Load(Guid nicheId)
    {
        await using var connection = await db.OpenConnectionAsync();
        await using var results = await connection.QueryMultipleAsync($"""
            SELECT id, workspace_id, name, next_start_level_order_position, distribution_version FROM niches WHERE id = @nicheId;
            SELECT id, name, order_position, max_recipients, price_cents, is_active
              FROM competition_levels WHERE niche_id = @nicheId ORDER BY order_position;
            {ServedSubscriptions};
            {CurrentUsage};
            """, new { nicheId, ids = (Guid[]?)null });
        var niche = await results.ReadSingleOrDefaultAsync<NicheRow>();
        if (niche is null)
        {
            return null;
        }
        var levels = (await results.ReadAsync<LevelRow>()).ToList();
        var subscriptions = (await results.ReadAsync<SubscriptionRow>()).ToList();
        var usage = (await results.ReadAsync<UsageRow>()).ToList();
        return new NicheSnapshot(niche, levels, subscriptions, usage);
    }

    public async Task<(IReadOnlyList<SubscriptionRow> Rows, IReadOnlyList<UsageRow> Usage)> LoadSubscriptions(Guid nicheId, IReadOnlyList<Guid> ids)
    {
        await using var connection = await db.OpenConnectionAsync();
        await using var results = await connection.QueryMultipleAsync(
            $"{ServedSubscriptions} AND s.id = ANY(@ids); {CurrentUsage};", new { nicheId, ids = ids.ToArray() });
        var rows = (await results.ReadAsync<SubscriptionRow>()).ToList();
        var usage = (await results.ReadAsync<UsageRow>()).ToList();
        return (rows, usage);
    }

    /// <summary>
    /// Sets a subscription's caps, hours and provider bounds and recounts its current periods
    /// (<c>set_subscription_controls</c>); returns it and its counts as now stored, or null if it is
    /// not one of the niche's.
    /// </summary>
    public async Task<(SubscriptionRow Row, IReadOnlyList<UsageRow> Usage)?> SetControls(
        Guid nicheId, Guid subscriptionId, SubscriptionCapsSpec caps, string? hoursJson, string? boundsJson, DateTimeOffset now)
    {
        await using (var connection = await db.OpenConnectionAsync())
        {
            var found = await connection.QuerySingleAsync<bool>("""
                SELECT set_subscription_controls(@subscriptionId, @nicheId, @LeadsPerDay, @LeadsPerWeek, @LeadsPerMonth,
                                                 @BudgetCentsPerDay, @BudgetCentsPerWeek, @BudgetCentsPerMonth,
                                                 @hoursJson::jsonb, @boundsJson::jsonb, @now)
                """, new
            {
                subscriptionId, nicheId, caps.LeadsPerDay, caps.LeadsPerWeek, caps.LeadsPerMonth,
                caps.BudgetCentsPerDay, caps.BudgetCentsPerWeek, caps.BudgetCentsPerMonth, hoursJson, boundsJson, now,
            });
            if (!found)
            {
                return null;
            }
        }
        var (rows, usage) = await LoadSubscriptions(nicheId, [subscriptionId]);
        return (rows.Single(), usage);
    }

    /// <summary>
    /// Inserts the niche and its levels; returns them as stored. Names are stored in Unicode NFC
    /// (composed by PostgreSQL: see LeadStore.Insert), so the grain keeps what the database holds.
    /// </summary>
    public async Task<(NicheRow Niche, IReadOnlyList<LevelRow> Levels)> Create(NicheRow niche, IReadOnlyList<LevelRow> levels)
    {
        await using var connection = await db.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        try
        {
            var name = await connection.QuerySingleAsync<string>(
                "INSERT INTO niches (id, workspace_id, name, next_start_level_order_position) VALUES (@Id, @WorkspaceId, normalize(@Name, NFC), @NextStartLevelOrderPosition) RETURNING name",
                niche, transaction);
            var stored = new List<LevelRow>();
            foreach (var level in levels)
            {
                stored.Add(await InsertLevel(connection, transaction, niche.Id, level));
            }
            await transaction.CommitAsync();
            return (niche with { Name = name }, stored);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ForeignKeyViolation)
        {
            throw new ValidationFailedException("workspace_id", "does not name an existing workspace.");
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation && e.ConstraintName == "niches_workspace_id_name_key")
        {
            throw new ValidationFailedException("name", "is already used by another niche of this workspace.");
        }
    }

    /// <summary>Inserts the level; returns it as stored (its name in NFC).</summary>
    public async Task<LevelRow> AddLevel(Guid nicheId, LevelRow level)
    {
        await using var connection = await db.OpenConnectionAsync();
        try
        {
            return await InsertLevel(connection, null, nicheId, level);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            throw new ValidationFailedException("order_position", "is already taken by another level of this niche.");
        }
    }

    /// <summary>Applies the change; returns the level as stored (its name in NFC).</summary>
    public async Task<LevelRow> UpdateLevel(LevelRow level)
    {
        await using var connection = await db.OpenConnectionAsync();
        var name = await connection.QuerySingleAsync<string>("""
            UPDATE competition_levels
               SET name = normalize(@Name, NFC), max_recipients = @MaxRecipients, price_cents = @PriceCents, is_active = @IsActive
             WHERE id = @Id
            RETURNING name
            """, level);
        return level with { Name = name };
    }

    /// <summary>Inserts an active subscription if the provider belongs to the niche's workspace; false if it does not.</summary>
    public async Task<SubscriptionRow?> InsertSubscription(Guid id, Guid nicheId, Guid workspaceId, Guid providerId, Guid levelId, string filtersJson)
    {
        await using var connection = await db.OpenConnectionAsync();
        try
        {
            return await connection.QuerySingleOrDefaultAsync<SubscriptionRow>($"""
                WITH inserted AS (
                    INSERT INTO subscriptions (id, provider_id, level_id, niche_id, filters)
                    SELECT @id, p.id, @levelId, @nicheId, @filtersJson::jsonb
                      FROM providers p WHERE p.id = @providerId AND p.workspace_id = @workspaceId
                    RETURNING *)
                SELECT {SubscriptionColumns} FROM inserted s JOIN providers p ON p.id = s.provider_id
                """, new { id, nicheId, workspaceId, providerId, levelId, filtersJson });
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            throw new ValidationFailedException("level_id", "the provider is already subscribed to this level.");
        }
    }

    public async Task<SubscriptionRow?> UpdateSubscription(Guid nicheId, Guid subscriptionId, string? status, string? filtersJson)
    {
        await using var connection = await db.OpenConnectionAsync();
        return await connection.QuerySingleOrDefaultAsync<SubscriptionRow>($"""
            WITH updated AS (
                UPDATE subscriptions
                   SET status = coalesce(@status, status), filters = coalesce(@filtersJson::jsonb, filters)
                 WHERE id = @subscriptionId AND niche_id = @nicheId
                RETURNING *)
            SELECT {SubscriptionColumns} FROM updated s JOIN providers p ON p.id = s.provider_id
            """, new { nicheId, subscriptionId, status, filtersJson });
    }

    /// <summary>
    /// Saves subscriptions' last services and, if all were saved, moves the niche's watermark to
    /// <paramref name="until"/>. Returns the subscriptions saved; a row another transaction held is skipped.
    /// </summary>
    /// <remarks>
    /// Committed without waiting for the WAL flush (<c>synchronous_commit = off</c>), so these
    /// background saves do not queue for the disk beside the distributions' commits. Losing one in a
    /// database crash is harmless: the values and the watermark go back together, and the last
    /// services are derived again from the (durably committed) assignments after the old watermark.
    /// </remarks>
    public async Task<IReadOnlyList<Guid>> SaveServices(Guid nicheId, IReadOnlyList<Guid> subscriptionIds, IReadOnlyList<DateTimeOffset> servedAt, DateTimeOffset until)
    {
        await using var connection = await db.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await connection.ExecuteAsync("SET LOCAL synchronous_commit = off", transaction: transaction);
        var saved = await connection.QuerySingleAsync<Guid[]>(
            "SELECT save_services(@nicheId, @subscriptionIds, @servedAt, @until)",
            new { nicheId, subscriptionIds = subscriptionIds.ToArray(), servedAt = servedAt.ToArray(), until }, transaction);
        await transaction.CommitAsync();
        return saved;
    }

    private static async Task<LevelRow> InsertLevel(NpgsqlConnection connection, NpgsqlTransaction? transaction, Guid nicheId, LevelRow level) =>
        level with
        {
            Name = await connection.QuerySingleAsync<string>("""
                INSERT INTO competition_levels (id, niche_id, name, order_position, max_recipients, price_cents, is_active)
                VALUES (@Id, @nicheId, normalize(@Name, NFC), @OrderPosition, @MaxRecipients, @PriceCents, @IsActive)
                RETURNING name
                """, new { level.Id, nicheId, level.Name, level.OrderPosition, level.MaxRecipients, level.PriceCents, level.IsActive }, transaction),
        };
}
