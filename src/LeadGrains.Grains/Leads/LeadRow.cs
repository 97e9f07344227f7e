using System.Text.Json;
using LeadGrains.Abstractions.Leads;

namespace LeadGrains.Grains.Leads;

/// <summary>A lead as the lead grain holds it: lifecycle and what distribution filters on (no contact data).</summary>
public sealed record LeadRow
{
    public Guid Id { get; init; }
    public Guid WorkspaceId { get; init; }
    public Guid NicheId { get; init; }
    public string Status { get; init; } = "";
    public string State { get; init; } = "";
    public string? Zip { get; init; }
    public long? AmountCents { get; init; }
    public string Attributes { get; init; } = "";
    public DateTime CreatedAt { get; init; }
    public DateTime? ApprovedAt { get; init; }
    public DateTime? DistributedAt { get; init; }
    public int DistributionAttempts { get; init; }
    public DateTime ExpiresAt { get; init; }

    public IReadOnlyDictionary<string, string> AttributeMap =>
        JsonSerializer.Deserialize<Dictionary<string, string>>(Attributes) ?? new Dictionary<string, string>();

    public LeadView ToView() => new(
        Id, WorkspaceId, NicheId, Status, Utc(CreatedAt), ApprovedAt is { } a ? Utc(a) : null,
        DistributedAt is { } d ? Utc(d) : null, DistributionAttempts, Utc(ExpiresAt));

    private static DateTimeOffset Utc(DateTime at) => new(DateTime.SpecifyKind(at, DateTimeKind.Utc));
}
