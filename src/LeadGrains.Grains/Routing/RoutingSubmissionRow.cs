using System.Text.Json;
using LeadGrains.Abstractions.Leads;
using LeadGrains.Abstractions.Routing;

namespace LeadGrains.Grains.Routing;

/// <summary>A routing submission as its grain reads it.</summary>
public sealed record RoutingSubmissionRow
{
    public Guid Id { get; init; }
    public string SourceKind { get; init; } = "";
    public string SourceId { get; init; } = "";
    public string Status { get; init; } = "";
    public string? Payload { get; init; }
    public Guid? RuleId { get; init; }
    public Guid? DestinationWorkspaceId { get; init; }
    public Guid? DestinationNicheId { get; init; }
    public int Attempts { get; init; }
    public DateTime? NextAttemptAt { get; init; }
    public string? LastReason { get; init; }
    public DateTime CreatedAt { get; init; }

    public RoutingPayload? Lead => Payload is null ? null : JsonSerializer.Deserialize<RoutingPayload>(Payload);

    public RoutingView ToView() => new(Id, Status, Attempts,
        NextAttemptAt is { } next ? new DateTimeOffset(DateTime.SpecifyKind(next, DateTimeKind.Utc)) : null, LastReason, NoErrors);

    internal static readonly IReadOnlyDictionary<string, string[]> NoErrors = new Dictionary<string, string[]>();
}

/// <summary>The lead as submitted, kept on the submission until it is routed.</summary>
public sealed record RoutingPayload(LeadContact Contact, LeadAttributes Attributes);
