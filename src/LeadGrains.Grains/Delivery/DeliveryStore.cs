using Dapper;
using Npgsql;

namespace LeadGrains.Grains.Delivery;

/// <summary>The delivery senders' SQL: claim due deliveries under a lease, record what their tries came to.</summary>
public sealed class DeliveryStore(NpgsqlDataSource db)
{
    /// <summary>What a channel needs of a delivery (d), its assignment (a), lead (l), level (cl), niche (n), provider (p) and template (t).</summary>
    private const string WorkColumns = """
        d.id AS delivery_id, d.lease_token, d.assignment_id, d.channel, d.workspace_id, d.provider_id, d.lead_id,
        a.niche_id, d.attempts AS attempt, d.created_at, d.give_up_at, d.assigned_at, a.price_cents, cl.name AS level_name,
        n.name AS niche_name, p.name AS provider_name, p.email AS provider_email, p.webhook_url,
        p.webhook_secret, p.webhook_previous_secret, p.webhook_previous_secret_expires_at, p.sms_phone,
        l.first_name, l.last_name, l.email, l.phone, l.state, l.zip, l.amount_cents, l.attributes::text AS attributes,
        t.subject AS template_subject, t.text_body AS template_text, t.html_body AS template_html
        """;

    /// <summary>The work of deliveries the cursor step leased to this silo as it made them.</summary>
    public async Task<IReadOnlyList<DeliveryWork>> Leased(IReadOnlyList<Guid> ids, Guid leaseToken, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<DeliveryWork>(new CommandDefinition($"""
            SELECT {WorkColumns}
              FROM deliveries d
              JOIN lead_assignments a ON a.id = d.assignment_id
              JOIN leads l ON l.id = a.lead_id
              JOIN competition_levels cl ON cl.id = a.level_id
              JOIN niches n ON n.id = a.niche_id
              JOIN providers p ON p.id = d.provider_id
              LEFT JOIN message_templates t ON t.workspace_id = p.workspace_id AND t.name = 'lead_assigned'
             WHERE d.id = ANY(@ids) AND d.lease_token = @leaseToken
            """, new { ids = ids.ToArray(), leaseToken }, cancellationToken: cancellationToken))).ToList();
    }

    /// <summary>
    /// Records finished tries (<see cref="RecordSql"/>) and claims due deliveries (<see cref="ClaimSql"/>)
    /// in one statement batch, one after the other in one transaction (after the transaction's plan
    /// setting): a silo's sending round costs one batch. Either part is left out when there is nothing
    /// to record or no room to claim.
    /// Returns the endpoints that just became failing and the claimed work.
    /// </summary>
    public async Task<(IReadOnlyList<DeliveryEndpoint> Failing, IReadOnlyList<DeliveryWork> Claimed)> RecordAndClaim(
        IReadOnlyList<FinishedAttempt> finished, DateTimeOffset now, string silo, int failingAfter, LeaseRequest lease,
        CancellationToken cancellationToken)
    {
        var record = finished.Count > 0;
        var claim = lease.Room > 0;
        if (!record && !claim)
        {
            return ([], []);
        }
        var sql = (record, claim) switch
        {
            (true, true) => RecordSql + ";\n" + ClaimSql,
            (true, false) => RecordSql,
            _ => ClaimSql,
        };
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // Planned afresh each time: deliveries and lead_assignments grow from nothing by thousands of rows
        // a second, and a generic plan cached while they were empty joined them by full scans, one per
        // claimed row — a claim then ran for 12-25 s and sending stalled (docs/PERFORMANCE.md).
        await connection.ExecuteAsync(new CommandDefinition("SET LOCAL plan_cache_mode = force_custom_plan", transaction: transaction, cancellationToken: cancellationToken));
        IReadOnlyList<DeliveryEndpoint> failing = [];
        IReadOnlyList<DeliveryWork> claimed = [];
        // The results are read and closed before the commit: the connection runs one command at a time.
        await using (var results = await connection.QueryMultipleAsync(new CommandDefinition(sql, new
        {
            ids = finished.Select(f => f.Work.DeliveryId).ToArray(),
            tokens = finished.Select(f => f.Work.LeaseToken).ToArray(),
            attempts = finished.Select(f => f.Work.Attempt).ToArray(),
            startedAt = finished.Select(f => f.StartedAt).ToArray(),
            latencyMs = finished.Select(f => (int)Math.Min(f.Latency.TotalMilliseconds, int.MaxValue)).ToArray(),
            outcomes = finished.Select(f => f.Result.Outcome.ToString().ToLowerInvariant()).ToArray(),
            statusCodes = finished.Select(f => f.Result.StatusCode).ToArray(),
            errors = finished.Select(f => f.Result.Error).ToArray(),
            states = finished.Select(f => f.Step.State).ToArray(),
            nextAttemptAt = finished.Select(f => f.Step.NextAttemptAt).ToArray(),
            now, silo, failingAfter,
            lease.LeaseUntil, lease.LeaseToken, batch = lease.Room, lease.PerEndpoint,
            busyProviders = lease.InFlight.Keys.Select(k => k.ProviderId).ToArray(),
            busyChannels = lease.InFlight.Keys.Select(k => k.Channel).ToArray(),
            busyCounts = lease.InFlight.Values.ToArray(),
        }, transaction, cancellationToken: cancellationToken)))
        {
            if (record)
            {
                failing = (await results.ReadAsync<(Guid, string)>()).Select(r => new DeliveryEndpoint(r.Item1, r.Item2)).ToList();
            }
            if (claim)
            {
                claimed = (await results.ReadAsync<DeliveryWork>()).ToList();
            }
        }
        await transaction.CommitAsync(cancellationToken);
        return (failing, claimed);
    }

    /// <summary>
    /// Records finished tries: the delivery's new state, an accepted try's figures on its row (only if
    /// this silo still holds its lease: a silo that lost it writes neither), an attempt row for every
    /// try the row does not hold (failed ones, and an accepted one whose lease was lost), and the
    /// endpoints' consecutive failures. Returns the endpoints that just became failing.
    /// </summary>
    private const string RecordSql = """
        WITH f AS (
            SELECT * FROM unnest(@ids, @tokens, @attempts, @startedAt, @latencyMs, @outcomes, @statusCodes, @errors, @states, @nextAttemptAt)
                AS f(id, token, attempt, started_at, latency_ms, outcome, status_code, error, state, next_attempt_at)),
        moved AS (
            UPDATE deliveries d
               SET state = f.state, next_attempt_at = coalesce(f.next_attempt_at, d.next_attempt_at),
                   lease_until = NULL, lease_token = NULL, leased_by = NULL,
                   last_status_code = f.status_code, last_error = f.error,
                   delivered_at = CASE WHEN f.state = 'delivered' THEN @now END,
                   dead_at = CASE WHEN f.state = 'dead' THEN @now END,
                   accepted_attempt = CASE WHEN f.outcome = 'accepted' THEN f.attempt END,
                   accepted_started_at = CASE WHEN f.outcome = 'accepted' THEN f.started_at END,
                   accepted_latency_ms = CASE WHEN f.outcome = 'accepted' THEN f.latency_ms END,
                   accepted_by = CASE WHEN f.outcome = 'accepted' THEN @silo END
              FROM f
             WHERE d.id = f.id AND d.lease_token = f.token AND d.state = 'pending'
            RETURNING d.id, d.provider_id, d.channel, f.outcome),
        logged AS (
            INSERT INTO delivery_attempts (delivery_id, attempt, started_at, latency_ms, outcome, status_code, error, silo)
            SELECT f.id, f.attempt, f.started_at, f.latency_ms, f.outcome, f.status_code, f.error, @silo
              FROM f LEFT JOIN moved ON moved.id = f.id   -- a join: under the OR, NOT EXISTS ran once per try, quadratic in the batch
             WHERE f.outcome <> 'accepted' OR moved.id IS NULL),
        per_endpoint AS (
            SELECT provider_id, channel, bool_or(outcome = 'accepted') AS succeeded, count(*) FILTER (WHERE outcome <> 'accepted') AS failures
              FROM moved GROUP BY provider_id, channel),
        health AS (
        INSERT INTO delivery_endpoints AS e (provider_id, channel, consecutive_failures, failing_since, last_success_at, last_failure_at)
        SELECT provider_id, channel, CASE WHEN succeeded THEN 0 ELSE failures END,
               CASE WHEN NOT succeeded AND failures >= @failingAfter THEN @now END,
               CASE WHEN succeeded THEN @now END, CASE WHEN failures > 0 THEN @now END
          FROM per_endpoint
        ON CONFLICT (provider_id, channel) DO UPDATE
           SET consecutive_failures = CASE WHEN excluded.last_success_at IS NOT NULL THEN 0 ELSE e.consecutive_failures + excluded.consecutive_failures END,
               failing_since = CASE WHEN excluded.last_success_at IS NOT NULL THEN NULL
                                    WHEN e.consecutive_failures + excluded.consecutive_failures >= @failingAfter THEN coalesce(e.failing_since, @now)
                                    ELSE e.failing_since END,
               last_success_at = coalesce(excluded.last_success_at, e.last_success_at),
               last_failure_at = coalesce(excluded.last_failure_at, e.last_failure_at)
        RETURNING e.provider_id, e.channel, e.failing_since)
        SELECT provider_id, channel FROM health WHERE failing_since = @now
        """;

    /// <summary>
    /// Claims due deliveries (pending, due, lease free) for this silo: at most the lease's room, and per
    /// endpoint its limit less what is already in flight here, so a slow endpoint's backlog does not
    /// fill the batch. Each claim counts as an attempt.
    /// </summary>
    private const string ClaimSql = $"""
        WITH due AS (
            SELECT d.id FROM deliveries d
             WHERE d.state = 'pending' AND d.next_attempt_at <= @now AND (d.lease_until IS NULL OR d.lease_until < @now)
             ORDER BY d.next_attempt_at LIMIT @batch
               FOR UPDATE SKIP LOCKED),
        ranked AS (
            SELECT d.id, row_number() OVER (PARTITION BY d.provider_id, d.channel ORDER BY d.next_attempt_at, d.id) AS n,
                   coalesce(b.in_flight, 0) AS in_flight
              FROM deliveries d JOIN due ON due.id = d.id
              LEFT JOIN unnest(@busyProviders, @busyChannels, @busyCounts) AS b(provider_id, channel, in_flight)
                     ON b.provider_id = d.provider_id AND b.channel = d.channel)
        UPDATE deliveries d
           SET attempts = d.attempts + 1, lease_until = @leaseUntil, lease_token = @leaseToken, leased_by = @silo
          FROM ranked r, lead_assignments a, leads l, competition_levels cl, niches n, providers p
          LEFT JOIN message_templates t ON t.workspace_id = p.workspace_id AND t.name = 'lead_assigned'
         WHERE d.id = r.id AND r.n <= @perEndpoint - r.in_flight
           AND a.id = d.assignment_id AND l.id = a.lead_id AND cl.id = a.level_id AND n.id = a.niche_id AND p.id = d.provider_id
        RETURNING {WorkColumns}
        """;

    /// <summary>Cluster-wide sizes for the gauges: pending deliveries, unresolved dead ones, failing endpoints.</summary>
    public async Task<(long Backlog, long DeadLetters, long FailingEndpoints)> Sizes(CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleAsync<(long, long, long)>(new CommandDefinition("""
            SELECT (SELECT count(*) FROM deliveries WHERE state = 'pending'),
                   (SELECT count(*) FROM deliveries WHERE state = 'dead' AND resolved_at IS NULL),
                   (SELECT count(*) FROM delivery_endpoints WHERE failing_since IS NOT NULL)
            """, cancellationToken: cancellationToken));
    }
}
