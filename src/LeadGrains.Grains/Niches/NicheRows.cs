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
    public string TimeZone { get; init; } = "UTC";
    public int? LeadsPerDay { get; init; }
    public int? LeadsPerWeek { get; init; }
    public int? LeadsPerMonth { get; init; }
    public long? BudgetCentsPerDay { get; init; }
    public long? BudgetCentsPerWeek { get; init; }
    public long? BudgetCentsPerMonth { get; init; }
    /// <summary>The weekly schedule as stored JSON; null: any time.</summary>
    public string? DeliveryHours { get; init; }
    /// <summary>What the provider may choose itself, as stored JSON; null: nothing.</summary>
    public string? ProviderBounds { get; init; }

    /// <summary>Only these take part in distributions.</summary>
    public bool IsServable => Status == "active" && ProviderStatus == "active";

    public DateTimeOffset? LastReceived => LastReceivedAt is { } at ? new DateTimeOffset(DateTime.SpecifyKind(at, DateTimeKind.Utc)) : null;
}

/// <summary>What a capped subscription took in one of its current periods, as the database counted it.</summary>
public sealed record UsageRow(Guid SubscriptionId, string Period, string PeriodStart, int Leads, long SpendCents);

public sealed record NicheSnapshot(NicheRow Niche, IReadOnlyList<LevelRow> Levels, IReadOnlyList<SubscriptionRow> Subscriptions, IReadOnlyList<UsageRow> Usage);
