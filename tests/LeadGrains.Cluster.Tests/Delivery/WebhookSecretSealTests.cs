using System.Security.Cryptography;
using LeadGrains.Grains.Delivery;
using Microsoft.Extensions.Options;

namespace LeadGrains.Cluster.Tests.Delivery;

/// <summary>Webhook secrets sealed at rest: what a sealed value holds, and replacing the key.</summary>
public sealed class WebhookSecretSealTests
{
    private static readonly string OldKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    private static readonly string NewKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    private static WebhookSecretSeal Seal(params string[] keys) => new(Options.Create(new DeliveryOptions { SecretKeys = keys }));

    [Fact]
    public void A_sealed_secret_opens_to_itself_and_does_not_contain_it()
    {
        var secret = WebhookSecrets.Create();
        var seal = Seal(OldKey);
        var stored = seal.Seal(secret);
        Assert.StartsWith("sealed:v1:", stored);
        Assert.DoesNotContain(secret["whsec_".Length..], stored);
        Assert.NotEqual(stored, seal.Seal(secret));   // a fresh nonce each time
        Assert.Equal(secret, seal.Open(stored));
    }

    [Fact]
    public void With_a_new_key_listed_first_what_the_old_key_sealed_still_opens_and_new_secrets_use_the_new_key()
    {
        var secret = WebhookSecrets.Create();
        var sealedUnderOld = Seal(OldKey).Seal(secret);
        var rotated = Seal(NewKey, OldKey);
        Assert.Equal(secret, rotated.Open(sealedUnderOld));
        var sealedUnderNew = rotated.Seal(secret);
        Assert.Equal(secret, Seal(NewKey).Open(sealedUnderNew));
        Assert.Throws<CryptographicException>(() => Seal(OldKey).Open(sealedUnderNew));
    }

    [Fact]
    public void An_altered_or_unsealed_value_does_not_open()
    {
        var seal = Seal(OldKey);
        var stored = seal.Seal(WebhookSecrets.Create());
        var bytes = Convert.FromBase64String(stored[(stored.LastIndexOf(':') + 1)..]);
        bytes[^1] ^= 1;
        var altered = stored[..(stored.LastIndexOf(':') + 1)] + Convert.ToBase64String(bytes);
        Assert.ThrowsAny<CryptographicException>(() => seal.Open(altered));
        Assert.Throws<CryptographicException>(() => seal.Open(WebhookSecrets.Create()));
    }

    [Theory]
    [InlineData("")]
    [InlineData("c2hvcnQ=")]
    [InlineData("not base64!")]
    public void A_host_without_a_32_byte_key_does_not_start(string key)
    {
        string[] keys = key is "" ? [] : [key];
        Assert.False(WebhookSecretSeal.KeysAreValid(new DeliveryOptions { SecretKeys = keys }));
        Assert.Throws<InvalidOperationException>(() => Seal(keys));
    }
}
