using LeadGrains.Abstractions;
using LeadGrains.Abstractions.Providers;
using LeadGrains.Cluster.Tests.Infrastructure;
using LeadGrains.Grains.Delivery;
using Microsoft.Extensions.Options;

namespace LeadGrains.Cluster.Tests.Delivery;

/// <summary>The SSRF guard at registration: internal addresses are refused unless allow-listed (the fixture allows 127.0.0.1 only).</summary>
[Collection(DeliveryCollection.Name)]
public sealed class WebhookAddressTests(DeliveryClusterFixture fixture)
{
    [Theory]
    [InlineData("http://127.0.0.2:8080/hooks")]         // loopback, not the allow-listed 127.0.0.1
    [InlineData("http://[::1]:8080/hooks")]
    [InlineData("http://169.254.169.254/latest/meta-data")] // cloud metadata
    [InlineData("http://10.1.2.3/hooks")]
    [InlineData("http://192.168.1.10/hooks")]
    [InlineData("http://[fd00::1]/hooks")]
    public async Task An_internal_webhook_address_is_refused_at_registration_and_nothing_is_stored(string url)
    {
        var s = await Scenario.Start(fixture.Grains);
        var providerId = Guid.NewGuid();
        var refused = await Assert.ThrowsAsync<ValidationFailedException>(() => fixture.Grains.GetGrain<IProviderGrain>(providerId)
            .Register(new RegisterProviderCommand(s.WorkspaceId, "Prober", "prober@example.com", url)));
        Assert.Contains("webhook_url", refused.Errors.Keys);
        Assert.Null(await fixture.Grains.GetGrain<IProviderGrain>(providerId).Get());
    }

    [Fact]
    public async Task An_internal_address_is_refused_when_a_webhook_url_is_changed_too()
    {
        var s = await Scenario.Start(fixture.Grains);
        var (providerId, _) = await fixture.WebhookProvider(s, fixture.Receiver.NewEndpoint().Url);
        var refused = await Assert.ThrowsAsync<ValidationFailedException>(() => fixture.Grains.GetGrain<IProviderGrain>(providerId)
            .Update(new ProviderUpdate(null, null, "http://127.0.0.5/x", null)));
        Assert.Contains("webhook_url", refused.Errors.Keys);
    }

    [Fact]
    public async Task A_public_https_address_and_the_allow_listed_loopback_are_accepted()
    {
        var s = await Scenario.Start(fixture.Grains);
        var secure = await fixture.Grains.GetGrain<IProviderGrain>(Guid.NewGuid())
            .Register(new RegisterProviderCommand(s.WorkspaceId, "Buyer", "buyer@example.com", "https://93.184.216.34/hooks"));
        Assert.StartsWith("whsec_", secure.WebhookSecret);
        var (_, secret) = await fixture.WebhookProvider(s, fixture.Receiver.NewEndpoint().Url);
        Assert.StartsWith("whsec_", secret);
        // The secret is shown once: reading the provider never returns it.
        Assert.Null((await fixture.Grains.GetGrain<IProviderGrain>(secure.ProviderId).Get())!.WebhookSecret);
    }

    [Fact]
    public async Task Without_the_local_setting_only_https_is_accepted()
    {
        var guard = new WebhookAddressGuard(Options.Create(new DeliveryOptions()));
        Assert.Contains("https", await guard.Refusal("http://93.184.216.34/hooks"));
        Assert.Null(await guard.Refusal("https://93.184.216.34/hooks"));
        Assert.Contains("credentials", await guard.Refusal("https://user:pw@93.184.216.34/hooks"));
    }
}
