using System.Net;
using LeadGrains.Domain.Delivery;

namespace LeadGrains.Domain.Tests.Delivery;

public sealed class WebhookAddressRulesTests
{
    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.9.9.9")]
    [InlineData("10.0.0.1")]
    [InlineData("172.16.0.1")]
    [InlineData("172.31.255.255")]
    [InlineData("192.168.0.1")]
    [InlineData("169.254.169.254")]
    [InlineData("100.64.0.1")]
    [InlineData("0.0.0.0")]
    [InlineData("::1")]
    [InlineData("::")]
    [InlineData("fe80::1")]
    [InlineData("fd12:3456::1")]
    [InlineData("::ffff:127.0.0.1")]   // IPv4-mapped loopback
    [InlineData("::ffff:169.254.169.254")]
    public void Internal_addresses_are_refused_by_default(string address) =>
        Assert.False(new WebhookAddressRules([]).Permits(IPAddress.Parse(address)));

    [Theory]
    [InlineData("93.184.216.34")]
    [InlineData("172.32.0.1")]
    [InlineData("2606:2800:220:1::1")]
    public void Public_addresses_are_permitted(string address) =>
        Assert.True(new WebhookAddressRules([]).Permits(IPAddress.Parse(address)));

    [Fact]
    public void The_allow_list_permits_exactly_what_it_names()
    {
        var rules = new WebhookAddressRules([AddressRange.Parse("127.0.0.1"), AddressRange.Parse("10.20.0.0/16")]);
        Assert.True(rules.Permits(IPAddress.Parse("127.0.0.1")));
        Assert.False(rules.Permits(IPAddress.Parse("127.0.0.2")));
        Assert.True(rules.Permits(IPAddress.Parse("10.20.5.6")));
        Assert.False(rules.Permits(IPAddress.Parse("10.21.0.1")));
    }

    [Theory]
    [InlineData("not-an-ip")]
    [InlineData("10.0.0.0/33")]
    [InlineData("10.0.0.0/x")]
    public void Malformed_ranges_do_not_parse(string text) => Assert.False(AddressRange.TryParse(text, out _));
}
