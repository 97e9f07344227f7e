namespace LeadGrains.Grains.Delivery;

/// <summary>A claimed delivery with everything its channel needs to send it. Holds the lead's contact: never logged.</summary>
public sealed record DeliveryWork
{
    public Guid DeliveryId { get; init; }
    public Guid LeaseToken { get; init; }
    public Guid AssignmentId { get; init; }
    public string Channel { get; init; } = "";
    public Guid WorkspaceId { get; init; }
    public Guid ProviderId { get; init; }
    public Guid LeadId { get; init; }
    public Guid NicheId { get; init; }
    public int Attempt { get; init; }
    public DateTime CreatedAt { get; init; }
    public DateTime GiveUpAt { get; init; }
    public DateTime AssignedAt { get; init; }
    public long PriceCents { get; init; }
    public string LevelName { get; init; } = "";
    public string NicheName { get; init; } = "";
    public string ProviderName { get; init; } = "";
    public string ProviderEmail { get; init; } = "";
    public string? WebhookUrl { get; init; }
    public string? WebhookSecret { get; init; }
    public string? WebhookPreviousSecret { get; init; }
    public DateTime? WebhookPreviousSecretExpiresAt { get; init; }
    public string? SmsPhone { get; init; }
    public string FirstName { get; init; } = "";
    public string LastName { get; init; } = "";
    public string Email { get; init; } = "";
    public string Phone { get; init; } = "";
    public string State { get; init; } = "";
    public string? Zip { get; init; }
    public long? AmountCents { get; init; }
    public string Attributes { get; init; } = "{}";
    public string? TemplateSubject { get; init; }
    public string? TemplateText { get; init; }
    public string? TemplateHtml { get; init; }

    /// <summary>The endpoint it goes to: a slow one holds only its own sending slots.</summary>
    public DeliveryEndpoint Endpoint => new(ProviderId, Channel);
}
