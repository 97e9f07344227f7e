using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace LeadGrains.Grains.Delivery;

/// <summary>
/// Webhook signing secrets are stored sealed — AES-256-GCM under a key the operator configures
/// (<see cref="DeliveryOptions.SecretKeys"/>), which is never in the database — so a copy of the
/// database or of a backup does not hand out every provider's signing secret. The first key seals;
/// every key listed opens what it sealed, so a key is replaced by listing the new one first and
/// dropping the old one once nothing sealed under it is left (each sealed value names its key).
/// </summary>
public sealed class WebhookSecretSeal
{
    private const string Prefix = "sealed:v1:";
    private const int NonceBytes = 12;
    private const int TagBytes = 16;

    private readonly (string Id, byte[] Key)[] _keys;

    public WebhookSecretSeal(IOptions<DeliveryOptions> options)
    {
        _keys = options.Value.SecretKeys.Select(Parse).ToArray();
        if (_keys.Length == 0)
        {
            throw new InvalidOperationException(MissingKey);
        }
    }

    /// <summary>Why a host without a key does not start.</summary>
    public const string MissingKey =
        $"{DeliveryOptions.Section}:SecretKeys needs at least one key: 32 random bytes in base64 (e.g. `openssl rand -base64 32`). It seals the webhook signing secrets stored in the database.";

    /// <summary>True when every configured key is 32 bytes of base64 and there is at least one.</summary>
    public static bool KeysAreValid(DeliveryOptions options) =>
        options.SecretKeys.Length > 0 && options.SecretKeys.All(key => TryDecode(key, out var bytes) && bytes.Length == 32);

    public string Seal(string secret)
    {
        var (id, key) = _keys[0];
        var plain = Encoding.UTF8.GetBytes(secret);
        var sealedBytes = new byte[NonceBytes + plain.Length + TagBytes];
        var nonce = sealedBytes.AsSpan(0, NonceBytes);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(key, TagBytes);
        aes.Encrypt(nonce, plain, sealedBytes.AsSpan(NonceBytes, plain.Length), sealedBytes.AsSpan(NonceBytes + plain.Length), Encoding.ASCII.GetBytes(id));
        return $"{Prefix}{id}:{Convert.ToBase64String(sealedBytes)}";
    }

    /// <summary>The secret a <see cref="Seal"/> stored; throws if it was sealed under a key not configured here, or altered.</summary>
    public string Open(string stored)
    {
        var parts = stored.StartsWith(Prefix, StringComparison.Ordinal) ? stored[Prefix.Length..].Split(':') : [];
        if (parts.Length != 2)
        {
            throw new CryptographicException("The stored webhook secret is not sealed.");
        }
        var key = _keys.FirstOrDefault(k => k.Id == parts[0]).Key
            ?? throw new CryptographicException($"The webhook secret is sealed under key {parts[0]}, which is not among {DeliveryOptions.Section}:SecretKeys.");
        var sealedBytes = Convert.FromBase64String(parts[1]);
        var length = sealedBytes.Length - NonceBytes - TagBytes;
        var plain = new byte[length];
        using var aes = new AesGcm(key, TagBytes);
        aes.Decrypt(sealedBytes.AsSpan(0, NonceBytes), sealedBytes.AsSpan(NonceBytes, length), sealedBytes.AsSpan(NonceBytes + length), plain, Encoding.ASCII.GetBytes(parts[0]));
        return Encoding.UTF8.GetString(plain);
    }

    /// <summary>A key's id: the first 8 hex digits of its SHA-256, so a sealed value names its key without revealing it.</summary>
    private static (string Id, byte[] Key) Parse(string base64) =>
        TryDecode(base64, out var key) && key.Length == 32
            ? (Convert.ToHexStringLower(SHA256.HashData(key))[..8], key)
            : throw new InvalidOperationException(MissingKey);

    private static bool TryDecode(string base64, out byte[] bytes)
    {
        bytes = new byte[base64.Length];
        if (Convert.TryFromBase64String(base64.Trim(), bytes, out var written))
        {
            bytes = bytes[..written];
            return true;
        }
        return false;
    }
}
