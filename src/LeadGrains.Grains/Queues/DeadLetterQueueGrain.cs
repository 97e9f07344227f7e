using LeadGrains.Abstractions;
using LeadGrains.Abstractions.Leads;
using LeadGrains.Abstractions.Queues;
using Microsoft.Extensions.DependencyInjection;

namespace LeadGrains.Grains.Queues;

/// <summary>The dead-letter operations of one workspace. Stateless: everything lives in the database.</summary>
public sealed class DeadLetterQueueGrain(DeadLetterStore store, [FromKeyedServices(LeadGrainsClock.Key)] TimeProvider clock)
    : Grain, IDeadLetterQueueGrain
{
    public const int MaxPageSize = 500;

    private Guid WorkspaceId => this.GetPrimaryKey();

    public Task<DeadLetterPage> List(int page, int limit, bool? resolved, CancellationToken cancellationToken)
    {
        if (page < 1 || limit is < 1 or > MaxPageSize)
        {
            throw new ValidationFailedException(page < 1 ? "page" : "limit", page < 1 ? "must be 1 or more." : $"must be between 1 and {MaxPageSize}.");
        }
        return store.List(WorkspaceId, page, limit, resolved, cancellationToken);
    }

    public Task<DeadLetterEntry?> Get(Guid id, CancellationToken cancellationToken) => store.Find(WorkspaceId, id, cancellationToken);

    public async Task<DeadLetterCommandResult> Retry(Guid id, string actor)
    {
        var entry = await store.Find(WorkspaceId, id, CancellationToken.None);
        if (entry is null || entry.Resolved)
        {
            return new DeadLetterCommandResult(entry is null ? DeadLetterOutcome.NotFound : DeadLetterOutcome.AlreadyResolved, entry);
        }
        // The lead grain queues the fresh round itself (on its own clock); then the entry is closed.
        // Two racing retries both requeue — harmless — and only one closes the entry.
        if (entry.LeadId is { } leadId)
        {
            await GrainFactory.GetGrain<ILeadGrain>(leadId).QueueDistribution(actor);
        }
        return await Close(id, actor, "retried", "dead_letter.retried");
    }

    public Task<DeadLetterCommandResult> Resolve(Guid id, string actor, string? note) => Close(id, actor, note, "dead_letter.resolved");

    public Task<QueueStatus> Status(CancellationToken cancellationToken) => store.Status(WorkspaceId, clock.GetUtcNow(), cancellationToken);

    private async Task<DeadLetterCommandResult> Close(Guid id, string actor, string? note, string action)
    {
        if (note is { Length: > 2000 })
        {
            throw new ValidationFailedException("note", "must be at most 2000 characters.");
        }
        var closed = await store.Resolve(WorkspaceId, id, actor, note, action, clock.GetUtcNow());
        var entry = await store.Find(WorkspaceId, id, CancellationToken.None);
        var outcome = entry is null ? DeadLetterOutcome.NotFound : closed ? DeadLetterOutcome.Done : DeadLetterOutcome.AlreadyResolved;
        return new DeadLetterCommandResult(outcome, entry);
    }
}
