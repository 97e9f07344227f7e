namespace LeadGrains.Api.Auth;

/// <summary>
/// Token validation settings (section <c>LeadGrains:Auth</c>). Either a shared HS256
/// <see cref="SigningKey"/> (local mode, tests, small deployments) or an OIDC <see cref="Authority"/>
/// whose published keys sign RS256 tokens.
/// </summary>
public sealed class AuthOptions
{
    public const string Section = "LeadGrains:Auth";

    /// <summary>HS256 key, at least 32 bytes of UTF-8. Keep it out of source control.</summary>
    public string? SigningKey { get; set; }

    /// <summary>OIDC authority (issuer URL); when set, its published keys validate RS256 tokens.</summary>
    public string? Authority { get; set; }

    public string Issuer { get; set; } = "leadgrains-local";

    public string Audience { get; set; } = "leadgrains-api";

    /// <summary>Local mode: the dashboard is open, a local workspace is expected and the binary's
    /// <c>token</c> command may mint tokens. Never in production.</summary>
    public bool LocalMode { get; set; }

    /// <summary>
    /// The oldest token accepted, and the longest lifetime one may claim: a token issued longer ago,
    /// or made to live longer, is refused whatever its expiry says, so a leaked long-lived token
    /// stops working. The <c>token</c> command mints nothing longer either.
    /// </summary>
    public TimeSpan MaxTokenAge { get; set; } = TimeSpan.FromHours(12);

    public static AuthOptions From(IConfiguration configuration) =>
        configuration.GetSection(Section).Get<AuthOptions>() ?? new AuthOptions();

    public byte[] SigningKeyBytes()
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(SigningKey ?? "");
        if (bytes.Length < 32)
        {
            throw new InvalidOperationException(
                $"{Section}:SigningKey must be set to at least 32 bytes (or {Section}:Authority to an OIDC authority).");
        }
        return bytes;
    }
}
