namespace LeadGrains.Grains.Niches;

/// <summary>The rows a niche grain loads: its niche, levels and subscriptions.</summary>
/// <param name="DistributionVersion">Grows by one per distributed lead; a plan is recorded only on the version it was made on.</param>
public sealed record NicheRow(Guid Id, Guid WorkspaceId, string Name, int NextStartLevelOrderPosition, long DistributionVersion = 0);

public sealed record LevelRow(Guid Id, string Name, int OrderPosition, int MaxRecipients, long PriceCents, bool IsActive);

public sealed record SubscriptionRow
{
    public Guid Id { get; init; }
    public Guid ProviderId { get; init; }
    public Guid LevelId { get; init; }
    public string Filters { get; init; } = "";
    public string Status { get; init; } = "";
    public DateTime? LastReceivedAt { get; init; }
    /// <summary>False when only the assignments say <see cref="LastReceivedAt"/>: the niche has not saved it yet.</summary>
    public bool ServiceSaved { get; init; } = true;
    public string ProviderStatus { get; init; } = "";
    public long ProviderBalanceCents { get; init; }

    /// <summary>Only these take part in distributions.</summary>
    public bool IsServable => Status == "active" && ProviderStatus == "active";

    public DateTimeOffset? LastReceived => LastReceivedAt is { } at ? new DateTimeOffset(DateTime.SpecifyKind(at, DateTimeKind.Utc)) : null;
}

public sealed record NicheSnapshot(NicheRow Niche, IReadOnlyList<LevelRow> Levels, IReadOnlyList<SubscriptionRow> Subscriptions);
