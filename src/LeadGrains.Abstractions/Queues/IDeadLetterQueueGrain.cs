namespace LeadGrains.Abstractions.Queues;

/// <summary>
/// The distribution queue and its dead letters, as one workspace sees them (the key is the workspace id).
/// </summary>
public interface IDeadLetterQueueGrain : IGrainWithGuidKey
{
    /// <summary>Dead-letter entries, newest first; <paramref name="resolved"/> null lists all.</summary>
    /// <param name="page">The page, from 1.</param>
    /// <param name="limit">Entries per page, 1 to 500.</param>
    /// <param name="resolved">Only resolved (true) or open (false) entries, or all (null).</param>
    /// <param name="cancellationToken">Cancels the call and its database query (a caller that went away).</param>
    Task<DeadLetterPage> List(int page, int limit, bool? resolved, CancellationToken cancellationToken = default);

    /// <summary>One entry, or null if it is not in this workspace.</summary>
    /// <param name="id">The entry's id.</param>
    /// <param name="cancellationToken">Cancels the call and its database query (a caller that went away).</param>
    Task<DeadLetterEntry?> Get(Guid id, CancellationToken cancellationToken = default);

    /// <summary>Queues a fresh distribution attempt for the entry's lead and resolves the entry.</summary>
    Task<DeadLetterCommandResult> Retry(Guid id, string actor);

    /// <summary>Marks the entry resolved without retrying.</summary>
    Task<DeadLetterCommandResult> Resolve(Guid id, string actor, string? note);

    /// <summary>The distribution queue's status in this workspace.</summary>
    /// <param name="cancellationToken">Cancels the call and its database query (a caller that went away).</param>
    Task<QueueStatus> Status(CancellationToken cancellationToken = default);
}
