using System.Net;
using System.Net.Sockets;
using LeadGrains.Domain.Delivery;
using Microsoft.Extensions.Options;

namespace LeadGrains.Grains.Delivery;

/// <summary>
/// The SSRF guard of webhooks, applied twice: when a URL is registered (scheme, then every address its
/// host resolves to, if it resolves), and when a webhook connects — to the address actually resolved then, so a name
/// that later resolves somewhere private (DNS rebinding) is still refused.
/// </summary>
public sealed class WebhookAddressGuard(IOptions<DeliveryOptions> options)
{
    private static readonly TimeSpan ResolveTimeout = TimeSpan.FromSeconds(5);

    private readonly WebhookAddressRules _rules = options.Value.AddressRules;

    /// <summary>Why the URL may not be a webhook, or null if it may.</summary>
    public async Task<string?> Refusal(string url, CancellationToken cancellationToken = default)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || url.Length > 2000)
        {
            return "must be an absolute https URL.";
        }
        if (uri.Scheme == "http" && !options.Value.AllowHttpWebhooks)
        {
            return "must use https (plain http is allowed only by the LeadGrains:Delivery:AllowHttpWebhooks setting).";
        }
        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            return "must not carry credentials.";
        }
        IPAddress[] addresses;
        try
        {
            using var resolving = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            resolving.CancelAfter(ResolveTimeout);
            addresses = IPAddress.TryParse(uri.DnsSafeHost, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(uri.DnsSafeHost, resolving.Token);
        }
        catch (Exception error) when (error is SocketException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            // A name that does not resolve (yet) points nowhere internal now; the check at connect time still applies.
            return null;
        }
        var refused = addresses.FirstOrDefault(a => !_rules.Permits(a));
        return refused is null
            ? null
            : $"resolves to {refused}, a loopback, private, link-local or otherwise internal address, which webhooks may not reach (unless LeadGrains:Delivery:AllowedWebhookAddresses names it).";
    }

    /// <summary>Connects to the first permitted address of the host; throws <see cref="WebhookAddressRefusedException"/> if none is.</summary>
    public async ValueTask<Stream> Connect(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var host = context.DnsEndPoint.Host;
        var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, cancellationToken);
        var permitted = addresses.Where(_rules.Permits).ToList();
        if (permitted.Count == 0)
        {
            throw new WebhookAddressRefusedException($"{host} resolves only to addresses webhooks may not reach");
        }
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(permitted.ToArray(), context.DnsEndPoint.Port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
