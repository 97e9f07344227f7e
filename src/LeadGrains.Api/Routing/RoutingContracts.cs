using LeadGrains.Abstractions.Leads;
using LeadGrains.Abstractions.Routing;
using LeadGrains.Api.Errors;
using LeadGrains.Api.Leads;

namespace LeadGrains.Api.Routing;

/// <summary>A lead a source hands to the platform; <c>source_reference</c> is the source's own id for it (a repeat is the same submission).</summary>
public sealed record RouteLeadRequest(string? SourceReference, ContactBody? Contact, AttributesBody? Attributes)
{
    public RoutingRequest ToRequest(RoutingSource source)
    {
        var reference = SourceReference?.Trim() is { Length: >= 1 and <= 200 } trimmed && trimmed.All(c => c is > ' ' and <= '~')
            ? trimmed
            : throw ApiProblemException.Validation("source_reference", "is required: 1-200 visible ASCII characters, without spaces.");
        var contact = Contact ?? new ContactBody(null, null, null, null);
        var attributes = Attributes ?? new AttributesBody(null, null, null);
        return new RoutingRequest(source, reference, new LeadContact(contact.FirstName!, contact.LastName!, contact.Email!, contact.Phone!),
            new LeadAttributes(attributes.State!, attributes.Zip, attributes.AmountCents, attributes.ExtraAsStrings()));
    }
}

/// <summary>Where a submission stands, as its source sees it: never its destination or where a duplicate was seen.</summary>
public sealed record RoutingSubmissionResponse(Guid SubmissionId, string SourceReference, string Status, int Attempts, DateTimeOffset? NextAttemptAt,
    string? LastReason, DateTime CreatedAt);

public sealed record RoutingSubmissionPage(IReadOnlyList<RoutingSubmissionResponse> Items, string? NextCursor);

/// <summary>A routing rule as platform admins write it.</summary>
public sealed record RoutingRuleRequest(string? Name, string? Condition, int? Priority, Guid? DestinationWorkspaceId, Guid? DestinationNicheId, bool? Enabled);

public sealed record RoutingRuleResponse(Guid RuleId, string Name, string Condition, int Priority, Guid DestinationWorkspaceId, Guid DestinationNicheId,
    bool Enabled, DateTime CreatedAt, DateTime UpdatedAt);

public sealed record RoutingRuleList(IReadOnlyList<RoutingRuleResponse> Items);

/// <summary>A lead to try against the rules without routing it: only the fields rules read.</summary>
public sealed record DryRunRequest(AttributesBody? Attributes);

public sealed record RuleEvaluationResponse(Guid RuleId, string Name, int Priority, bool Enabled, bool Matched, string Why);

public sealed record DryRunResponse(Guid? MatchedRuleId, Guid? DestinationWorkspaceId, Guid? DestinationNicheId, string Explanation,
    IReadOnlyList<RuleEvaluationResponse> Evaluations);

/// <summary>Cross-partner deduplication: <c>platform</c> (any workspace) or <c>workspace</c> (the destination only), and the window in days.</summary>
public sealed record RoutingSettingsRequest(string? DedupeScope, int? DedupeWindowDays);

public sealed record RoutingSettingsResponse(string DedupeScope, int DedupeWindowDays, IReadOnlyList<Guid> ClosedDestinations);

/// <summary>A routing submission as platform operators see it: source, destination and lead included.</summary>
public sealed record RoutingOperationsView(Guid SubmissionId, string SourceKind, string SourceId, string SourceReference, string Status,
    Guid? RuleId, Guid? DestinationWorkspaceId, Guid? DestinationNicheId, Guid? LeadId, int Attempts, DateTime? NextAttemptAt, string? LastReason,
    DateTime CreatedAt, DateTime UpdatedAt);

public sealed record RoutingDeadLetterPage(IReadOnlyList<RoutingOperationsView> Items, string? NextCursor);

public sealed record RoutingLogEntry(int Attempt, string Outcome, string? Reason, Guid? RuleId, Guid? DestinationWorkspaceId, int? RulesEvaluated,
    double? DurationMs, string Actor, DateTime At);

public sealed record RoutingLogResponse(RoutingOperationsView Submission, IReadOnlyList<RoutingLogEntry> Entries);

public sealed record ResolveRoutingRequest(string? Note);

public sealed record RoutingActionResponse(Guid SubmissionId, string Status);

public sealed record RoutingVolumeRow(string Key, long Submitted, long Routed, long Duplicate, long Open, long Dead, long Other);

public sealed record RoutingVolumeReport(string By, DateTimeOffset From, DateTimeOffset To, IReadOnlyList<RoutingVolumeRow> Rows);

/// <summary>Statuses a routing list may be filtered by.</summary>
public static class RoutingStatuses
{
    public static string? Parse(string? status) =>
        string.IsNullOrEmpty(status) ? null
        : RoutingStatus.All.Contains(status) ? status
        : throw ApiProblemException.Validation("status", "must be one of " + string.Join(", ", RoutingStatus.All) + ".");
}
