using LeadGrains.Domain.Delivery;

namespace LeadGrains.Grains.Delivery;

/// <summary>How assignments are delivered to providers (section <c>LeadGrains:Delivery</c>).</summary>
public sealed class DeliveryOptions
{
    public const string Section = "LeadGrains:Delivery";

    /// <summary>Every silo runs the delivery cursor and senders; off, assignments are only recorded (their deliveries are made once it is on again).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How often each silo steps the cursor and looks for due deliveries.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Distribution runs read per cursor step.</summary>
    public int CursorBatch { get; set; } = 2_000;

    /// <summary>Deliveries claimed per look.</summary>
    public int ClaimBatch { get; set; } = 1_000;

    /// <summary>Sends in flight per silo, all endpoints together.</summary>
    public int MaxInFlight { get; set; } = 1_024;

    /// <summary>Sends in flight per silo to one provider's endpoint on one channel, so a slow receiver holds only its own slots.</summary>
    public int MaxInFlightPerEndpoint { get; set; } = 4;

    /// <summary>How long one try may take before it counts as a timeout (retried).</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a claimed delivery is held by its silo; after that (a dead silo) another silo sends it again, with the same id.</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromSeconds(60);

    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(10);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Each retry delay is spread by ± this fraction.</summary>
    public double RetryJitter { get; set; } = 0.2;

    /// <summary>A delivery not accepted within this time of its creation is given up into the dead-letter list.</summary>
    public TimeSpan GiveUpAfter { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Consecutive failed tries after which an endpoint is marked failing (and alerted on); it is still tried.</summary>
    public int FailingAfterConsecutiveFailures { get; set; } = 5;

    /// <summary>Webhooks may use plain http (local use only); otherwise only https.</summary>
    public bool AllowHttpWebhooks { get; set; }

    /// <summary>Addresses or CIDR ranges a webhook may reach although they are loopback, private or link-local.</summary>
    public string[] AllowedWebhookAddresses { get; set; } = [];

    /// <summary>
    /// Keys (32 random bytes each, base64) that seal the webhook signing secrets stored in the
    /// database (<see cref="WebhookSecretSeal"/>): the first seals, all open. Required; keep them out of
    /// the database and its backups (an environment file or a secret store).
    /// </summary>
    public string[] SecretKeys { get; set; } = [];

    /// <summary>How long a previous webhook secret keeps signing after a rotation, unless the rotation names another.</summary>
    public TimeSpan SecretRotationOverlap { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Where providers see their own leads; linked from the e-mail.</summary>
    public string SelfServiceUrl { get; set; } = "http://127.0.0.1:8080/api/v1/provider/assignments";

    public SmtpOptions Smtp { get; set; } = new();

    public SmsGatewayOptions SmsGateway { get; set; } = new();

    /// <summary>Delivered and dead-and-resolved deliveries (and their attempts) older than this are deleted by the retention job.</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(30);

    public RetryPolicy RetryPolicy => new(FirstRetryDelay, MaxRetryDelay, RetryJitter);

    public WebhookAddressRules AddressRules => new(AllowedWebhookAddresses.Select(AddressRange.Parse).ToList());
}
