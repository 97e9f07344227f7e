using System.Text.Json;
using LeadGrains.Abstractions.Leads;

namespace LeadGrains.Grains.Leads;

/// <summary>A lead as the lead grain holds it: lifecycle and what distribution filters on (no contact data).</summary>
public sealed record LeadRow(
    Guid Id, Guid WorkspaceId, Guid NicheId, string Status, string State, string? Zip, long? AmountCents, string Attributes,
    DateTime CreatedAt, DateTime? ApprovedAt, DateTime? DistributedAt, int DistributionAttempts, DateTime ExpiresAt)
{
    public IReadOnlyDictionary<string, string> AttributeMap =>
        JsonSerializer.Deserialize<Dictionary<string, string>>(Attributes) ?? new Dictionary<string, string>();

    public LeadView ToView() => new(
        Id, WorkspaceId, NicheId, Status, Utc(CreatedAt), ApprovedAt is { } a ? Utc(a) : null,
        DistributedAt is { } d ? Utc(d) : null, DistributionAttempts, Utc(ExpiresAt));

    private static DateTimeOffset Utc(DateTime at) => new(DateTime.SpecifyKind(at, DateTimeKind.Utc));
}
