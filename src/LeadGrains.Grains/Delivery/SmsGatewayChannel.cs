using System.Text;
using System.Text.Json;
using LeadGrains.Domain.Delivery;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LeadGrains.Grains.Delivery;

/// <summary>
/// Sends a short text to the provider's SMS number through a generic HTTP gateway: a POST of the
/// configured JSON body template to the configured URL, with the delivery's id as Idempotency-Key so
/// the gateway can drop repeats. The gateway is the operator's own, so it is not behind the webhook SSRF guard.
/// </summary>
public sealed class SmsGatewayChannel(IOptions<DeliveryOptions> options, [FromKeyedServices(LeadGrainsClock.Key)] TimeProvider clock) : IDeliveryChannel, IDisposable
{
    private readonly HttpClient _http = new() { Timeout = Timeout.InfiniteTimeSpan };

    public string Name => "sms";

    public async Task<AttemptResult> Send(DeliveryWork work, CancellationToken cancellationToken)
    {
        var gateway = options.Value.SmsGateway;
        if (string.IsNullOrWhiteSpace(gateway.Url))
        {
            return AttemptResult.Retryable("no SMS gateway is configured (LeadGrains:Delivery:SmsGateway:Url)");
        }
        if (string.IsNullOrWhiteSpace(work.SmsPhone))
        {
            return AttemptResult.Permanent("the provider has no SMS number any more");
        }
        var text = $"New lead in {work.NicheName} ({work.LevelName}, {LeadAssignedMessage.Dollars(work.PriceCents)}): " +
                   $"{work.FirstName} {work.LastName}, {work.Phone}, {work.Email}";
        var body = Body(gateway.BodyTemplate, work.SmsPhone, text);
        using var request = new HttpRequestMessage(HttpMethod.Post, gateway.Url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("Idempotency-Key", work.DeliveryId.ToString());
        if (!string.IsNullOrEmpty(gateway.Authorization))
        {
            request.Headers.TryAddWithoutValidation("Authorization", gateway.Authorization);
        }
        return await HttpAttempt.Send(_http, request, options.Value.AttemptTimeout, clock, cancellationToken);
    }

    /// <summary>The template with <c>{{to}}</c> and <c>{{text}}</c> replaced by JSON-escaped strings.</summary>
    public static string Body(string template, string to, string text) =>
        template.Replace("{{to}}", Escaped(to), StringComparison.Ordinal).Replace("{{text}}", Escaped(text), StringComparison.Ordinal);

    private static string Escaped(string value)
    {
        var quoted = JsonSerializer.Serialize(value);
        return quoted[1..^1];
    }

    public void Dispose() => _http.Dispose();
}
