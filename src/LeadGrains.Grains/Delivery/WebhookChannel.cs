using System.Net.Http.Headers;
using System.Text;
using LeadGrains.Domain.Delivery;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StandardWebhooks;

namespace LeadGrains.Grains.Delivery;

/// <summary>
/// POSTs the assignment to the provider's URL, signed per Standard Webhooks (signing by the
/// <c>StandardWebhooks</c> package): <c>webhook-id</c> is the delivery's id on every try,
/// <c>webhook-timestamp</c> the try's time, <c>webhook-signature</c> one <c>v1,</c> signature per
/// secret in force — the current one and, during a rotation's overlap, the previous one (both stored
/// sealed: <see cref="WebhookSecretSeal"/>). Connections
/// go through <see cref="WebhookAddressGuard"/>; redirects are not followed.
/// </summary>
public sealed class WebhookChannel(
    WebhookAddressGuard guard,
    WebhookSecretSeal seal,
    IOptions<DeliveryOptions> options,
    [FromKeyedServices(LeadGrainsClock.Key)] TimeProvider clock) : IDeliveryChannel, IDisposable
{
    private readonly HttpClient _http = new(new SocketsHttpHandler
    {
        ConnectCallback = guard.Connect,
        AllowAutoRedirect = false,
        UseProxy = false,
        UseCookies = false,
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
    })
    {
        // Each try has its own timeout on the business clock (see Send).
        Timeout = Timeout.InfiniteTimeSpan,
    };

    public string Name => "webhook";

    public async Task<AttemptResult> Send(DeliveryWork work, CancellationToken cancellationToken)
    {
        if (work.WebhookUrl is null || work.WebhookSecret is null)
        {
            return AttemptResult.Permanent("the provider has no webhook URL or secret any more");
        }
        if (!Uri.TryCreate(work.WebhookUrl, UriKind.Absolute, out var url) || (url.Scheme != "https" && !(url.Scheme == "http" && options.Value.AllowHttpWebhooks)))
        {
            return AttemptResult.Permanent("the webhook URL is not an allowed https URL");
        }
        var previousSecretExpiresAt = work.WebhookPreviousSecretExpiresAt is { } expires
            ? new DateTimeOffset(DateTime.SpecifyKind(expires, DateTimeKind.Utc)) : (DateTimeOffset?)null;
        return await Post(url, work.WebhookSecret, work.WebhookPreviousSecret, previousSecretExpiresAt,
            MessageId(work.DeliveryId), LeadAssignedPayload.Json(work), cancellationToken);
    }

    /// <summary>One signed POST (a delivery's try, or a test) with the secrets as stored (sealed); the answer as a delivery's try would count it.</summary>
    public async Task<AttemptResult> Post(Uri url, string sealedSecret, string? sealedPreviousSecret, DateTimeOffset? previousSecretExpiresAt,
        string messageId, string body, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var secret = seal.Open(sealedSecret);
        var previousSecret = sealedPreviousSecret is not null && previousSecretExpiresAt > now ? seal.Open(sealedPreviousSecret) : null;
        using var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("webhook-id", messageId);
        request.Headers.Add("webhook-timestamp", now.ToUnixTimeSeconds().ToString());
        request.Headers.Add("webhook-signature", Signatures(secret, previousSecret, messageId, now, body));
        request.Headers.UserAgent.Add(new ProductInfoHeaderValue("LeadGrains-Webhooks", "1.0"));

        return await HttpAttempt.Send(_http, request, options.Value.AttemptTimeout, clock, cancellationToken);
    }

    /// <summary>The <c>webhook-id</c> of a delivery: the same on every try, so receivers can drop repeats.</summary>
    public static string MessageId(Guid deliveryId) => "msg_" + deliveryId.ToString("N");

    /// <summary>One <c>v1,</c> signature per secret in force, space-separated, as the spec allows for rotation.</summary>
    private static string Signatures(string secret, string? previousSecret, string messageId, DateTimeOffset now, string body)
    {
        var signatures = new List<string> { new StandardWebhook(secret).Sign(messageId, now, body) };
        if (previousSecret is not null)
        {
            signatures.Add(new StandardWebhook(previousSecret).Sign(messageId, now, body));
        }
        return string.Join(' ', signatures);
    }

    public void Dispose() => _http.Dispose();
}
