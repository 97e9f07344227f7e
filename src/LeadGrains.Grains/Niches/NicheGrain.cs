using Microsoft.Extensions.DependencyInjection;
using System.Diagnostics;
using LeadGrains.Abstractions;
using LeadGrains.Abstractions.Distribution;
using LeadGrains.Abstractions.Niches;
using LeadGrains.Abstractions.Providers;
using LeadGrains.Domain.Distribution;
using LeadGrains.Domain.Eligibility;
using LeadGrains.Grains.Distribution;
using Microsoft.Extensions.Logging;

namespace LeadGrains.Grains.Niches;

/// <summary>
/// One niche. It holds its levels, its rotation pointer and each level's least-recently-served
/// order in memory, and — being non-reentrant — runs one distribution at a time, so no two
/// fairness decisions of a niche ever race. Everything it decides is also written to PostgreSQL,
/// which is the truth a new activation loads.
/// </summary>
public sealed class NicheGrain(
    NicheStore store,
    DistributionStore runs,
    [FromKeyedServices(LeadGrainsClock.Key)] TimeProvider clock,
    DistributionInterruptions interruptions,
    LeadGrainsTelemetry telemetry,
    ILogger<NicheGrain> logger) : Grain, INicheGrain
{
    private NicheRow? _niche;
    private readonly Dictionary<Guid, LevelRow> _levels = new();
    private readonly Dictionary<Guid, SubscriptionRow> _subscriptions = new();
    private readonly Dictionary<Guid, EligibilityFilter> _filters = new();
    private readonly Dictionary<Guid, LeastRecentlyServedQueue> _queues = new();

    private Guid NicheId => this.GetPrimaryKey();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var snapshot = await store.Load(NicheId);
        if (snapshot is null)
        {
            return;
        }
        _niche = snapshot.Niche;
        foreach (var level in snapshot.Levels)
        {
            _levels[level.Id] = level;
            _queues[level.Id] = new LeastRecentlyServedQueue();
        }
        foreach (var subscription in snapshot.Subscriptions)
        {
            Track(subscription);
        }
    }

    public async Task<NicheView> Create(CreateNicheCommand command)
    {
        var errors = NicheValidation.Check(command);
        if (errors.Count > 0)
        {
            throw new ValidationFailedException(errors);
        }
        if (_niche is not null)
        {
            return _niche.WorkspaceId == command.WorkspaceId && _niche.Name == command.Name.Trim()
                ? View()
                : throw new ValidationFailedException("niche_id", "is already taken.");
        }
        var levels = command.Levels.Select(l => new LevelRow(Guid.NewGuid(), l.Name.Trim(), l.OrderPosition, l.MaxRecipients, l.PriceCents, l.IsActive)).ToList();
        var pointer = levels.Where(l => l.IsActive).Select(l => l.OrderPosition).DefaultIfEmpty(levels.Min(l => l.OrderPosition)).Min();
        var niche = new NicheRow(NicheId, command.WorkspaceId, command.Name.Trim(), pointer);
        await store.Create(niche, levels);
        _niche = niche;
        foreach (var level in levels)
        {
            _levels[level.Id] = level;
            _queues[level.Id] = new LeastRecentlyServedQueue();
        }
        return View();
    }

    public Task<NicheView?> Get() => Task.FromResult(_niche is null ? null : View());

    public async Task<LevelView> AddLevel(LevelDefinition level)
    {
        RequireExists();
        var errors = NicheValidation.Check(level);
        if (errors.Count > 0)
        {
            throw new ValidationFailedException(errors);
        }
        if (_levels.Count >= NicheValidation.MaxLevels)
        {
            throw new ValidationFailedException("levels", $"a niche has at most {NicheValidation.MaxLevels} levels.");
        }
        var row = new LevelRow(Guid.NewGuid(), level.Name.Trim(), level.OrderPosition, level.MaxRecipients, level.PriceCents, level.IsActive);
        await store.AddLevel(NicheId, row);
        _levels[row.Id] = row;
        _queues[row.Id] = new LeastRecentlyServedQueue();
        return ToView(row);
    }

    public async Task<LevelView> UpdateLevel(Guid levelId, LevelUpdate update)
    {
        RequireExists();
        var errors = NicheValidation.Check(update);
        if (errors.Count > 0)
        {
            throw new ValidationFailedException(errors);
        }
        var current = _levels.GetValueOrDefault(levelId) ?? throw new ValidationFailedException("level_id", "is not a level of this niche.");
        var changed = current with
        {
            Name = update.Name?.Trim() ?? current.Name,
            MaxRecipients = update.MaxRecipients ?? current.MaxRecipients,
            PriceCents = update.PriceCents ?? current.PriceCents,
            IsActive = update.IsActive ?? current.IsActive,
        };
        await store.UpdateLevel(changed);
        _levels[levelId] = changed;
        return ToView(changed);
    }

    public async Task<SubscriptionView> Subscribe(Guid providerId, Guid levelId, SubscriptionFilterSpec filters)
    {
        RequireExists();
        if (!_levels.ContainsKey(levelId))
        {
            throw new ValidationFailedException("level_id", "is not a level of this niche.");
        }
        var domainFilters = FilterMapping.ToDomain(filters ?? SubscriptionFilterSpec.None);
        ThrowIfInvalid(domainFilters);
        var row = await store.InsertSubscription(Guid.NewGuid(), NicheId, _niche!.WorkspaceId, providerId, levelId, FilterMapping.ToJson(domainFilters))
            ?? throw new ValidationFailedException("provider_id", "does not name a provider of this workspace.");
        Track(row);
        return ToView(row);
    }

    public async Task<SubscriptionView> UpdateSubscription(Guid subscriptionId, string? status, SubscriptionFilterSpec? filters)
    {
        RequireExists();
        if (status is not null and not ("active" or "paused"))
        {
            throw new ValidationFailedException("status", "must be \"active\" or \"paused\".");
        }
        string? filtersJson = null;
        if (filters is not null)
        {
            var domainFilters = FilterMapping.ToDomain(filters);
            ThrowIfInvalid(domainFilters);
            filtersJson = FilterMapping.ToJson(domainFilters);
        }
        var row = await store.UpdateSubscription(NicheId, subscriptionId, status, filtersJson)
            ?? throw new ValidationFailedException("subscription_id", "is not a subscription of this niche.");
        Track(row);
        return ToView(row);
    }

    public async Task RefreshSubscriptions(IReadOnlyList<Guid> subscriptionIds)
    {
        if (_niche is null)
        {
            return;
        }
        foreach (var row in await store.LoadSubscriptions(NicheId, subscriptionIds))
        {
            Track(row);
        }
    }

    public async Task<DistributionResult> Distribute(DistributionRequest request)
    {
        RequireExists();
        if (request.WorkspaceId != _niche!.WorkspaceId)
        {
            throw new InvalidOperationException($"Lead {request.LeadId} belongs to another workspace than niche {NicheId}.");
        }
        var started = clock.GetTimestamp();
        var runId = Guid.NewGuid();
        var begun = await BeginRun(runId, request.LeadId);
        if (begun.Outcome == "not_distributable")
        {
            throw new InvalidOperationException($"Lead {request.LeadId} is no longer approved; its distribution was refused.");
        }
        try
        {
            interruptions.AttemptBegun(request.LeadId);
            var result = await Walk(request, runId, begun, started);
            await runs.Complete(_niche.WorkspaceId, NicheId, result, request.Actor);
            telemetry.DistributionCompleted(result.Status, result.Assignments.Count, result.DurationMs);
            logger.LogInformation(
                "Distributed lead {LeadId} (attempt {Attempt}, start {Start}): {Status}, {Assignments} assignment(s), {Skipped} skip(s) in {DurationMs} ms",
                request.LeadId, result.Attempt, result.StartLevelOrderPosition, result.Status, result.Assignments.Count, result.Skipped.Count, result.DurationMs);
            return result;
        }
        catch (Exception error)
        {
            var durationMs = (long)clock.GetElapsedTime(started).TotalMilliseconds;
            telemetry.DistributionCompleted(DistributionOutcome.Failed.ToWire(), 0, durationMs);
            logger.LogWarning(error, "Distribution of lead {LeadId} failed (attempt {Attempt})", request.LeadId, begun.Attempt);
            await RecordFailure(runId, request, error, durationMs);
            throw;
        }
    }

    /// <summary>
    /// Records the attempt and, for a lead's first attempt, advances the pointer in the same
    /// transaction. A later attempt keeps the first one's start position (rule 6).
    /// </summary>
    private async Task<DistributionStore.BeginOutcome> BeginRun(Guid runId, Guid leadId)
    {
        for (var tries = 0; ; tries++)
        {
            var active = ActivePositions();
            var start = active.Count == 0 ? _niche!.NextStartLevelOrderPosition : RotationPointer.ResolveStart(active, _niche!.NextStartLevelOrderPosition);
            var next = active.Count == 0 ? start : RotationPointer.Advance(active, start);
            var begun = await runs.Begin(runId, leadId, NicheId, _niche.NextStartLevelOrderPosition, start, next, clock.GetUtcNow());
            if (begun.Outcome != "stale_pointer" || tries > 0)
            {
                if (begun.Outcome == "stale_pointer")
                {
                    throw new InvalidOperationException($"The rotation pointer of niche {NicheId} keeps changing under this activation.");
                }
                _niche = _niche with { NextStartLevelOrderPosition = begun.Pointer };
                return begun;
            }
            // Another activation moved the pointer (possible only during a membership change): adopt its value and retry.
            logger.LogWarning("Niche {NicheId} found its rotation pointer moved by another activation; reloading it", NicheId);
            _niche = _niche with { NextStartLevelOrderPosition = begun.Pointer };
        }
    }

    /// <summary>Visits the active levels from the start position and fills each from its least-recently-served order.</summary>
    private async Task<DistributionResult> Walk(DistributionRequest request, Guid runId, DistributionStore.BeginOutcome begun, long started)
    {
        var lead = new LeadProfile(request.State, request.Zip, request.AmountCents, request.Attributes);
        var assignments = new List<AssignmentRecord>();
        var skipped = new List<SkippedProvider>();
        var assignedProviders = new HashSet<Guid>();
        var perLevel = new Dictionary<Guid, int>();

        if (begun.Attempt > 1)
        {
            // Resuming: what earlier attempts assigned counts toward each level's limit, and those
            // providers are not candidates again. The order in memory learns of those charges too.
            foreach (var (assignment, at) in await runs.LoadAssignments(request.LeadId))
            {
                assignments.Add(assignment);
                assignedProviders.Add(assignment.ProviderId);
                perLevel[assignment.LevelId] = perLevel.GetValueOrDefault(assignment.LevelId) + 1;
                if (_queues.TryGetValue(assignment.LevelId, out var queue) && queue.Find(assignment.SubscriptionId) is { } entry
                    && (entry.LastReceivedAt is null || entry.LastReceivedAt < at))
                {
                    queue.MarkServed(assignment.SubscriptionId, at);
                }
            }
        }

        var active = ActivePositions();
        var traversal = active.Count == 0 ? [] : RotationPointer.Traversal(active, RotationPointer.ResolveStart(active, begun.StartLevelOrderPosition));
        var chargesThisAttempt = 0;
        foreach (var position in traversal)
        {
            var level = _levels.Values.Single(l => l.OrderPosition == position);
            var queue = _queues[level.Id];
            foreach (var candidate in queue.InServiceOrder())
            {
                if (perLevel.GetValueOrDefault(level.Id) >= level.MaxRecipients)
                {
                    break;
                }
                if (assignedProviders.Contains(candidate.ProviderId))
                {
                    continue;
                }
                var verdict = _filters.GetValueOrDefault(candidate.SubscriptionId, EligibilityFilter.AcceptAll).Evaluate(lead);
                if (verdict == EligibilityVerdict.NotEligible)
                {
                    continue;
                }
                if (verdict == EligibilityVerdict.Error)
                {
                    Skip(skipped, candidate, SkipReasons.EligibilityError);
                    continue;
                }

                var charge = await GrainFactory.GetGrain<IProviderGrain>(candidate.ProviderId).ChargeForAssignment(
                    new ChargeRequest(request.LeadId, candidate.SubscriptionId, level.Id, NicheId, level.PriceCents, runId));
                ForgetPaused(charge.PausedSubscriptionIds);
                switch (charge.Outcome)
                {
                    case ChargeOutcome.Charged:
                        assignments.Add(new AssignmentRecord(charge.AssignmentId!.Value, candidate.ProviderId, candidate.SubscriptionId, level.Id, level.PriceCents));
                        assignedProviders.Add(candidate.ProviderId);
                        perLevel[level.Id] = perLevel.GetValueOrDefault(level.Id) + 1;
                        queue.MarkServed(candidate.SubscriptionId, charge.At);
                        await interruptions.AfterCharge(request.LeadId, ++chargesThisAttempt);
                        break;
                    case ChargeOutcome.Duplicate:
                        assignedProviders.Add(candidate.ProviderId);
                        Skip(skipped, candidate, SkipReasons.Duplicate);
                        break;
                    case ChargeOutcome.InsufficientBalance:
                        Skip(skipped, candidate, SkipReasons.InsufficientBalance);
                        break;
                    case ChargeOutcome.SubscriptionInactive:
                        queue.Remove(candidate.SubscriptionId);
                        Skip(skipped, candidate, SkipReasons.SubscriptionInactive);
                        break;
                    case ChargeOutcome.ProviderInactive:
                        queue.Remove(candidate.SubscriptionId);
                        Skip(skipped, candidate, SkipReasons.ProviderInactive);
                        break;
                    case ChargeOutcome.Fenced:
                        throw new StaleDistributionException(request.LeadId, runId);
                }
            }
        }

        var outcome = DistributionOutcomeRule.Decide(traversal
            .Select(position => perLevel.GetValueOrDefault(_levels.Values.Single(l => l.OrderPosition == position).Id))
            .ToList());
        if (assignments.Count > 0 && outcome == DistributionOutcome.NoEligible)
        {
            // Assignments of earlier attempts in levels since deactivated still make the lead distributed.
            outcome = DistributionOutcome.Partial;
        }
        return new DistributionResult(
            request.LeadId, runId, begun.Attempt, begun.StartLevelOrderPosition, traversal, assignments, skipped,
            (long)clock.GetElapsedTime(started).TotalMilliseconds, outcome.ToWire(), clock.GetUtcNow());
    }

    private void Skip(List<SkippedProvider> skipped, LruEntry candidate, string reason)
    {
        skipped.Add(new SkippedProvider(candidate.ProviderId, candidate.SubscriptionId, reason));
        telemetry.CandidateSkipped(reason);
    }

    private async Task RecordFailure(Guid runId, DistributionRequest request, Exception error, long durationMs)
    {
        try
        {
            await runs.Fail(_niche!.WorkspaceId, NicheId, runId, request.LeadId, error.Message, request.Actor, clock.GetUtcNow(), durationMs);
        }
        catch (Exception recordError)
        {
            // The run stays 'running'; the next attempt marks it interrupted. Nothing is lost.
            logger.LogError(recordError, "Could not record the failed distribution of lead {LeadId}", request.LeadId);
        }
    }

    /// <summary>Subscriptions a charge paused (their provider's balance fell below their price) leave the order.</summary>
    private void ForgetPaused(IReadOnlyList<Guid> pausedSubscriptionIds)
    {
        foreach (var id in pausedSubscriptionIds)
        {
            if (_subscriptions.TryGetValue(id, out var row))
            {
                Track(row with { Status = "paused_insufficient_balance" });
            }
        }
    }

    /// <summary>Keeps the in-memory view of one subscription current: servable ones are in their level's order.</summary>
    private void Track(SubscriptionRow row)
    {
        _subscriptions[row.Id] = row;
        _filters[row.Id] = EligibilityFilter.From(FilterMapping.FromJson(row.Filters));
        if (!_queues.TryGetValue(row.LevelId, out var queue))
        {
            return;
        }
        if (row.IsServable)
        {
            var inQueue = queue.Find(row.Id);
            var lastReceived = row.LastReceived;
            if (inQueue?.LastReceivedAt is { } known && (lastReceived is null || known > lastReceived))
            {
                lastReceived = known;
            }
            queue.Upsert(new LruEntry(row.Id, row.ProviderId, lastReceived));
        }
        else
        {
            queue.Remove(row.Id);
        }
    }

    private List<int> ActivePositions() => _levels.Values.Where(l => l.IsActive).Select(l => l.OrderPosition).Order().ToList();

    private void RequireExists()
    {
        if (_niche is null)
        {
            throw new ValidationFailedException("niche_id", "does not exist.");
        }
    }

    private static void ThrowIfInvalid(SubscriptionFilters filters)
    {
        var errors = SubscriptionFilterValidation.Validate(filters);
        if (errors.Count > 0)
        {
            throw new ValidationFailedException(errors);
        }
    }

    private NicheView View() => new(
        NicheId, _niche!.WorkspaceId, _niche.Name, _niche.NextStartLevelOrderPosition,
        _levels.Values.OrderBy(l => l.OrderPosition).Select(ToView).ToList());

    private static LevelView ToView(LevelRow level) =>
        new(level.Id, level.Name, level.OrderPosition, level.MaxRecipients, level.PriceCents, level.IsActive);

    private SubscriptionView ToView(SubscriptionRow row) =>
        new(row.Id, row.ProviderId, row.LevelId, NicheId, FilterMapping.ToSpec(FilterMapping.FromJson(row.Filters)), row.Status, row.LastReceived);
}
