using LeadGrains.Abstractions.Queues;

namespace LeadGrains.Api.Queues;

public sealed record QueueResponse(string Name, long Depth, long Active, long FailedLastHour, long DlqSize);

public sealed record QueuesResponse(IReadOnlyList<QueueResponse> Queues);

/// <summary>A dead-letter entry in lists (seed 004).</summary>
public sealed record DeadLetterSummary(
    Guid Id, string QueueName, string JobId, Guid? LeadId, string ErrorMessage, int Attempts, DateTime FailedAt,
    bool Resolved, DateTime? ResolvedAt, string? ResolvedBy)
{
    public static DeadLetterSummary From(DeadLetterEntry e) => new(
        e.Id, e.QueueName, e.JobId, e.LeadId, e.ErrorMessage, e.Attempts, e.FailedAt.UtcDateTime, e.Resolved, e.ResolvedAt?.UtcDateTime, e.ResolvedBy);
}

/// <summary>A dead-letter entry with its payload and stack trace.</summary>
public sealed record DeadLetterDetail(
    Guid Id, string QueueName, string JobId, Guid? LeadId, string ErrorMessage, int Attempts, DateTime FailedAt,
    bool Resolved, DateTime? ResolvedAt, string? ResolvedBy, string? ResolutionNote, System.Text.Json.JsonElement? Payload, string? StackTrace)
{
    public static DeadLetterDetail From(DeadLetterEntry e) => new(
        e.Id, e.QueueName, e.JobId, e.LeadId, e.ErrorMessage, e.Attempts, e.FailedAt.UtcDateTime, e.Resolved, e.ResolvedAt?.UtcDateTime,
        e.ResolvedBy, e.ResolutionNote, ParsePayload(e.Payload), e.StackTrace);

    private static System.Text.Json.JsonElement? ParsePayload(string payload)
    {
        try
        {
            return string.IsNullOrEmpty(payload) ? null : System.Text.Json.JsonDocument.Parse(payload).RootElement.Clone();
        }
        catch (System.Text.Json.JsonException)
        {
            return System.Text.Json.JsonSerializer.SerializeToElement(payload);
        }
    }
}

public sealed record DeadLetterPageResponse(IReadOnlyList<DeadLetterSummary> Items, int Page, int Limit, long Total);

public sealed record RetryResponse(Guid Id, string JobId);

public sealed record ResolveRequest(string? Note);
