namespace LeadGrains.Domain.Delivery;

/// <summary>How one try on the wire ended, as far as retrying is concerned.</summary>
public enum AttemptOutcome
{
    /// <summary>The receiver took the message (2xx, or the SMTP server accepted it).</summary>
    Accepted,
    /// <summary>Worth trying again: a timeout, a network error, 408, 429 or 5xx.</summary>
    Retryable,
    /// <summary>Trying again would get the same answer: any other 4xx, or a refused address.</summary>
    Permanent,
}
