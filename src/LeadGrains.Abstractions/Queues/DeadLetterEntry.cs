namespace LeadGrains.Abstractions.Queues;

/// <summary>A job that exhausted its attempts, kept for an operator to inspect, retry or resolve.</summary>
/// <param name="Id">The entry's id.</param>
/// <param name="QueueName">The queue it failed in (e.g. <c>distribution</c>).</param>
/// <param name="JobId">The job's id within the queue.</param>
/// <param name="LeadId">The lead concerned, if any.</param>
/// <param name="Payload">The job's input, as JSON.</param>
/// <param name="ErrorMessage">The last error.</param>
/// <param name="StackTrace">The last error's stack trace.</param>
/// <param name="Attempts">Attempts made before giving up.</param>
/// <param name="FailedAt">When it was dead-lettered.</param>
/// <param name="Resolved">Whether an operator resolved or retried it.</param>
/// <param name="ResolvedAt">When it was resolved.</param>
/// <param name="ResolvedBy">Who resolved it.</param>
/// <param name="ResolutionNote">The resolver's note.</param>
[GenerateSerializer, Immutable]
public sealed record DeadLetterEntry(
    [property: Id(0)] Guid Id,
    [property: Id(1)] string QueueName,
    [property: Id(2)] string JobId,
    [property: Id(3)] Guid? LeadId,
    [property: Id(4)] string Payload,
    [property: Id(5)] string ErrorMessage,
    [property: Id(6)] string? StackTrace,
    [property: Id(7)] int Attempts,
    [property: Id(8)] DateTimeOffset FailedAt,
    [property: Id(9)] bool Resolved,
    [property: Id(10)] DateTimeOffset? ResolvedAt,
    [property: Id(11)] string? ResolvedBy,
    [property: Id(12)] string? ResolutionNote);

/// <summary>One page of dead-letter entries, newest first.</summary>
/// <param name="Items">The entries.</param>
/// <param name="Page">1-based page number.</param>
/// <param name="Limit">Page size.</param>
/// <param name="Total">Entries matching the filter.</param>
[GenerateSerializer, Immutable]
public sealed record DeadLetterPage(
    [property: Id(0)] IReadOnlyList<DeadLetterEntry> Items,
    [property: Id(1)] int Page,
    [property: Id(2)] int Limit,
    [property: Id(3)] long Total);

/// <summary>How a dead-letter retry or resolve ended.</summary>
public enum DeadLetterOutcome
{
    /// <summary>Done: a retry queued a fresh attempt; a resolve marked it resolved.</summary>
    Done,
    /// <summary>The entry was already resolved; nothing changed.</summary>
    AlreadyResolved,
    /// <summary>No such entry in this workspace.</summary>
    NotFound,
}

/// <summary>The answer to retry or resolve.</summary>
/// <param name="Outcome">What happened.</param>
/// <param name="Entry">The entry afterwards (null when not found).</param>
[GenerateSerializer, Immutable]
public sealed record DeadLetterCommandResult(
    [property: Id(0)] DeadLetterOutcome Outcome,
    [property: Id(1)] DeadLetterEntry? Entry);

/// <summary>The state of one work queue.</summary>
/// <param name="Name">Queue name.</param>
/// <param name="Depth">Jobs due now or scheduled for a retry.</param>
/// <param name="Active">Jobs being worked on (holding a lease).</param>
/// <param name="FailedLastHour">Jobs dead-lettered in the last hour.</param>
/// <param name="DlqSize">Unresolved dead-letter entries.</param>
[GenerateSerializer, Immutable]
public sealed record QueueStatus(
    [property: Id(0)] string Name,
    [property: Id(1)] long Depth,
    [property: Id(2)] long Active,
    [property: Id(3)] long FailedLastHour,
    [property: Id(4)] long DlqSize);
