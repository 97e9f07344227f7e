using Dapper;
using LeadGrains.Abstractions.Providers;
using LeadGrains.Grains.Delivery;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace LeadGrains.Cluster.Tests.Infrastructure;

/// <summary>
/// Two silos with delivery on, virtual business time, a real webhook receiver on loopback (allow-listed
/// as 127.0.0.1 only; one of its endpoints stands in for the SMS gateway) and the SMTP server test.sh starts (LEADGRAINS_SMTP_PORT, its mailbox in
/// LEADGRAINS_SMTP_MAILDIR). The senders poll every 25 ms of real time; retries, leases and timeouts
/// run on the virtual clock, which only the tests move.
/// </summary>
public sealed class DeliveryClusterFixture : ClusterFixture
{
    public WebhookReceiver Receiver { get; private set; } = null!;

    /// <summary>The local sink standing in for the SMS gateway.</summary>
    public ReceiverEndpoint SmsGateway => Receiver.Endpoint("sms-gateway");

    public static string? SmtpPort => Environment.GetEnvironmentVariable("LEADGRAINS_SMTP_PORT");

    public static string? SmtpMaildir => Environment.GetEnvironmentVariable("LEADGRAINS_SMTP_MAILDIR");

    protected override void Configure(TestClusterBuilder builder)
    {
        Receiver = WebhookReceiver.Start().GetAwaiter().GetResult();
        builder.Properties[VirtualTime.SettingKey] = "true";
        builder.Properties[VirtualTime.StartKey] = DateTimeOffset.UtcNow.ToString("O");
        builder.Properties["LeadGrains:Delivery:Enabled"] = "true";
        builder.Properties["LeadGrains:Delivery:PollInterval"] = "00:00:00.025";
        builder.Properties["LeadGrains:Delivery:AllowHttpWebhooks"] = "true";
        builder.Properties["LeadGrains:Delivery:AllowedWebhookAddresses:0"] = "127.0.0.1";
        builder.Properties["LeadGrains:Delivery:Smtp:Host"] = "127.0.0.1";
        builder.Properties["LeadGrains:Delivery:Smtp:Port"] = SmtpPort ?? "2525";
        builder.Properties["LeadGrains:Delivery:Smtp:UseTls"] = "false";
        builder.Properties["LeadGrains:Delivery:SmsGateway:Url"] = SmsGateway.Url;
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Receiver.DisposeAsync();
    }

    /// <summary>A provider that takes its leads by webhook only (e-mail off), with a balance; returns its id and its secret.</summary>
    public async Task<(Guid ProviderId, string Secret)> WebhookProvider(Scenario s, string url, long balanceCents = 10_000)
    {
        var providerId = Guid.NewGuid();
        var provider = Grains.GetGrain<IProviderGrain>(providerId);
        var view = await provider.Register(new RegisterProviderCommand(s.WorkspaceId, "Webhook Buyer", $"p{providerId:N}@example.com", url, EmailEnabled: false));
        await provider.Deposit(new DepositCommand(balanceCents, "initial", null));
        return (providerId, view.WebhookSecret!);
    }

    public async Task<IReadOnlyList<DeliveryRow>> Deliveries(Guid providerId)
    {
        await using var connection = await Db.OpenConnectionAsync();
        return (await connection.QueryAsync<DeliveryRow>(
            "SELECT id, assignment_id, channel, state, attempts, next_attempt_at, lease_until, last_status_code, last_error FROM deliveries WHERE provider_id = @providerId ORDER BY created_at",
            new { providerId })).ToList();
    }

    public async Task<IReadOnlyList<AttemptRow>> Attempts(Guid deliveryId)
    {
        await using var connection = await Db.OpenConnectionAsync();
        return (await connection.QueryAsync<AttemptRow>(
            "SELECT attempt, started_at, outcome, status_code, error FROM delivery_attempt_log WHERE delivery_id = @deliveryId ORDER BY attempt, logged_id",
            new { deliveryId })).ToList();
    }

    /// <summary>
    /// What a stuck delivery test needs to be understood: the provider's deliveries with their leases,
    /// every silo's virtual clock, liveness and sends in flight, the cursor, and what the database is waiting on.
    /// </summary>
    public async Task<string> Explain(Guid providerId)
    {
        await using var connection = await Db.OpenConnectionAsync();
        var deliveries = await connection.QueryAsync<string>(
            """
            SELECT format('delivery %s %s: %s, %s tries, next %s, lease until %s by %s', id, channel, state, attempts, next_attempt_at, lease_until, leased_by)
              FROM deliveries WHERE provider_id = @providerId ORDER BY created_at
            """, new { providerId });
        var attempts = await connection.QueryAsync<string>(
            """
            SELECT format('  try %s of %s by %s at %s: %s %s %s', a.attempt, a.delivery_id, a.silo, a.started_at, a.outcome, a.status_code, a.error)
              FROM delivery_attempt_log a JOIN deliveries d ON d.id = a.delivery_id WHERE d.provider_id = @providerId ORDER BY a.started_at
            """, new { providerId });
        var cursor = await connection.QuerySingleAsync<string>(
            """
            SELECT format('cursor passed %s, horizon %s (xmax %s, xmin now %s), runs above %s', c.passed_seq, c.horizon_seq, c.horizon_xmax,
                          pg_snapshot_xmin(pg_current_snapshot()), (SELECT count(*) FROM distribution_runs r WHERE r.seq > c.passed_seq))
              FROM delivery_cursor c
            """);
        var waits = await connection.QueryAsync<string>(
            """
            SELECT format('backend %s %s (%s) for %s: %s', pid, state, wait_event, now() - xact_start, left(query, 120))
              FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND state <> 'idle'
            """);
        var silos = Cluster.Silos.Select(silo =>
        {
            var services = ((InProcessSiloHandle)silo).ServiceProvider;
            return $"silo {silo.SiloAddress}: active {silo.IsActive}, in flight {services.GetRequiredService<DeliveryWorker>().InFlight}, "
                + $"virtual now {services.GetRequiredKeyedService<TimeProvider>(LeadGrains.Grains.LeadGrainsClock.Key).GetUtcNow():O}";
        });
        return string.Join("\n", deliveries.Concat(attempts).Append(cursor).Concat(silos).Concat(waits));
    }

    /// <summary>Every silo's delivery worker.</summary>
    public IEnumerable<DeliveryWorker> Workers => Cluster.OfEverySilo<DeliveryWorker>().Select(x => x.Service);

    public sealed record DeliveryRow
    {
        public Guid Id { get; init; }
        public Guid AssignmentId { get; init; }
        public string Channel { get; init; } = "";
        public string State { get; init; } = "";
        public int Attempts { get; init; }
        public DateTime NextAttemptAt { get; init; }
        public DateTime? LeaseUntil { get; init; }
        public int? LastStatusCode { get; init; }
        public string? LastError { get; init; }
    }

    public sealed record AttemptRow
    {
        public int Attempt { get; init; }
        public DateTime StartedAt { get; init; }
        public string Outcome { get; init; } = "";
        public int? StatusCode { get; init; }
        public string? Error { get; init; }
    }
}
