using System.Text.Json;

namespace LeadGrains.Api.Audit;

/// <summary>One audit row: who did what to which target, when, with the details the action recorded.</summary>
public sealed record AuditEntry(
    long Id, string Action, string Actor, string? TargetType, string? TargetId, Guid? LeadId, JsonElement Metadata, DateTime CreatedAt);

/// <summary>Newest first; <c>next_cursor</c> fetches the older ones, null on the last page.</summary>
public sealed record AuditPage(IReadOnlyList<AuditEntry> Items, string? NextCursor);
