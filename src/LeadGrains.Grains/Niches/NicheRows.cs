namespace LeadGrains.Grains.Niches;

/// <summary>The rows a niche grain loads: its niche, levels and subscriptions.</summary>
public sealed record NicheRow(Guid Id, Guid WorkspaceId, string Name, int NextStartLevelOrderPosition);

public sealed record LevelRow(Guid Id, string Name, int OrderPosition, int MaxRecipients, long PriceCents, bool IsActive);

public sealed record SubscriptionRow
{
    public Guid Id { get; init; }
    public Guid ProviderId { get; init; }
    public Guid LevelId { get; init; }
    public string Filters { get; init; } = "";
    public string Status { get; init; } = "";
    public DateTime? LastReceivedAt { get; init; }
    public string ProviderStatus { get; init; } = "";

    /// <summary>Only these take part in distributions.</summary>
    public bool IsServable => Status == "active" && ProviderStatus == "active";

    public DateTimeOffset? LastReceived => LastReceivedAt is { } at ? new DateTimeOffset(DateTime.SpecifyKind(at, DateTimeKind.Utc)) : null;
}

public sealed record NicheSnapshot(NicheRow Niche, IReadOnlyList<LevelRow> Levels, IReadOnlyList<SubscriptionRow> Subscriptions);
