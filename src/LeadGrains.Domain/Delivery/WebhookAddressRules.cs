using System.Net;

namespace LeadGrains.Domain.Delivery;

/// <summary>
/// Which addresses a webhook may reach. A provider's URL is chosen by whoever administers the provider,
/// so without this rule a webhook could probe the cluster's own network (SSRF): loopback, private,
/// shared, link-local (which holds cloud metadata services), unique-local, multicast and unspecified
/// addresses are refused unless the operator's allow-list names them.
/// </summary>
public sealed class WebhookAddressRules(IReadOnlyList<AddressRange> allowed)
{
    private static readonly AddressRange[] Restricted = new[]
    {
        "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
        "192.0.0.0/24", "192.168.0.0/16", "198.18.0.0/15", "224.0.0.0/4", "240.0.0.0/4",
        "::/128", "::1/128", "fc00::/7", "fe80::/10", "ff00::/8", "64:ff9b::/96",
    }.Select(AddressRange.Parse).ToArray();

    /// <summary>True if a webhook may connect to the address.</summary>
    public bool Permits(IPAddress address) =>
        allowed.Any(range => range.Contains(address)) || !Restricted.Any(range => range.Contains(address));
}
