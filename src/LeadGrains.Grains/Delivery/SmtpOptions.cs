namespace LeadGrains.Grains.Delivery;

/// <summary>The SMTP server e-mails leave through.</summary>
public sealed class SmtpOptions
{
    /// <summary>Empty: no server, e-mail deliveries fail (and are retried) with that error.</summary>
    public string Host { get; set; } = "";

    public int Port { get; set; } = 25;

    /// <summary>STARTTLS when the server offers it; <c>false</c> for a local test server.</summary>
    public bool UseTls { get; set; } = true;

    public string Username { get; set; } = "";

    public string Password { get; set; } = "";

    public string From { get; set; } = "LeadGrains <leads@leadgrains.local>";

    /// <summary>Open connections a silo keeps between messages, so messages sent in a row share one.</summary>
    public int IdleConnections { get; set; } = 8;

    /// <summary>How long an unused connection is kept open; servers drop idle clients after a few minutes.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
