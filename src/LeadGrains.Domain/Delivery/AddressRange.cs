using System.Net;
using System.Net.Sockets;

namespace LeadGrains.Domain.Delivery;

/// <summary>An IP network in CIDR notation (<c>10.0.0.0/8</c>, <c>::1/128</c>); a bare address is a network of one.</summary>
public sealed record AddressRange(IPAddress Network, int PrefixLength)
{
    public static bool TryParse(string text, out AddressRange range)
    {
        range = null!;
        var parts = text.Trim().Split('/');
        if (parts.Length > 2 || !IPAddress.TryParse(parts[0], out var address))
        {
            return false;
        }
        var bits = address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        var prefix = bits;
        if (parts.Length == 2 && (!int.TryParse(parts[1], out prefix) || prefix < 0 || prefix > bits))
        {
            return false;
        }
        range = new AddressRange(address, prefix);
        return true;
    }

    public static AddressRange Parse(string text) =>
        TryParse(text, out var range) ? range : throw new FormatException($"'{text}' is not an IP address or CIDR range.");

    public bool Contains(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        if (address.AddressFamily != Network.AddressFamily)
        {
            return false;
        }
        var a = address.GetAddressBytes();
        var n = Network.GetAddressBytes();
        var remaining = PrefixLength;
        for (var i = 0; i < a.Length && remaining > 0; i++, remaining -= 8)
        {
            var mask = remaining >= 8 ? 0xFF : (byte)(0xFF << (8 - remaining));
            if ((a[i] & mask) != (n[i] & mask))
            {
                return false;
            }
        }
        return true;
    }
}
