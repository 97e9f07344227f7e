namespace LeadGrains.Abstractions.Queues;

/// <summary>
/// The distribution queue and its dead letters, as one workspace sees them (the key is the workspace id).
/// </summary>
public interface IDeadLetterQueueGrain : IGrainWithGuidKey
{
    /// <summary>Dead-letter entries, newest first; <paramref name="resolved"/> null lists all.</summary>
    Task<DeadLetterPage> List(int page, int limit, bool? resolved);

    /// <summary>One entry, or null if it is not in this workspace.</summary>
    Task<DeadLetterEntry?> Get(Guid id);

    /// <summary>Queues a fresh distribution attempt for the entry's lead and resolves the entry.</summary>
    Task<DeadLetterCommandResult> Retry(Guid id, string actor);

    /// <summary>Marks the entry resolved without retrying.</summary>
    Task<DeadLetterCommandResult> Resolve(Guid id, string actor, string? note);

    /// <summary>The distribution queue's status in this workspace.</summary>
    Task<QueueStatus> Status();
}
