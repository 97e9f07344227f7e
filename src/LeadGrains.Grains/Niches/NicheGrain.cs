using Microsoft.Extensions.DependencyInjection;
using System.Diagnostics;
using LeadGrains.Abstractions;
using LeadGrains.Abstractions.Distribution;
using LeadGrains.Abstractions.Niches;
using LeadGrains.Domain.Distribution;
using LeadGrains.Domain.Eligibility;
using LeadGrains.Grains.Distribution;
using Microsoft.Extensions.Logging;

namespace LeadGrains.Grains.Niches;

/// <summary>
/// One niche. It holds its levels, its rotation pointer and each level's least-recently-served
/// order in memory. Its turns are serial, so it plans one lead at a time — start level, traversal,
/// eligible candidates — and hands each plan to its silo's <see cref="DistributionCommitter"/>
/// without waiting for the previous one's commit; the database carries the plans out in that
/// order, each atomically, refusing any whose assumed pointer is no longer true. What commits is
/// also the truth a new activation loads.
/// </summary>
public sealed class NicheGrain(
    NicheStore store,
    DistributionStore runs,
    DistributionCommitter committer,
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

    // Distributions in flight: planned, handed to the committer, not yet answered.
    private int _inFlight;
    private int? _plannedPointer;          // the pointer once every plan in flight commits; null: as committed
    private bool _resynchronize;           // a plan came back stale: replan from the committed pointer
    private TaskCompletionSource? _idle;   // completed when nothing is in flight
    private DateTimeOffset _lastServedAt;

    /// <summary>Candidates sent per level beyond what it could take; enough unless that many top candidates cannot pay.</summary>
    private const int CandidateMargin = 16;

    /// <summary>Plans of one lead refused as stale before the attempt counts as failed (and is retried later by the lead's queue).</summary>
    private const int MaxPlansPerLead = 10;

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
        DistributionPlan? plan = null;
        DistributionResult result;
        try
        {
            var complete = false;
            for (var tries = 1; ; tries++)
            {
                await Resynchronize();
                plan = Plan(request, runId, complete);
                if (tries == 1)
                {
                    interruptions.AttemptBegun(request.LeadId);
                }
                var row = await Commit(plan, started);
                if (row.Outcome == "distributed")
                {
                    result = Learn(plan, row, (long)clock.GetElapsedTime(started).TotalMilliseconds);
                    break;
                }
                switch (row.Outcome)
                {
                    case "not_distributable":
                        _resynchronize = true;   // the plans made after this one assumed its pointer step
                        throw new LeadNotDistributableException(request.LeadId, row.LeadStatus);
                    case "stale_pointer" when tries < MaxPlansPerLead:
                        // The pointer is not where this plan assumed: an earlier lead of this niche did not
                        // commit, or (during a membership change) another activation moved it. Plan again.
                        _resynchronize = true;
                        break;
                    case "need_more" when !complete:
                        complete = true;
                        _resynchronize = true;
                        break;
                    default:
                        throw new InvalidOperationException($"Niche {NicheId} could not distribute lead {request.LeadId}: {row.Outcome}.");
                }
            }
        }
        catch (Exception error) when (error is not LeadNotDistributableException)
        {
            // Whatever this lead did not commit, the plans made after it assumed: they will come back stale.
            _resynchronize = true;
            var durationMs = (long)clock.GetElapsedTime(started).TotalMilliseconds;
            telemetry.DistributionCompleted(DistributionOutcome.Failed.ToWire(), 0, durationMs);
            logger.LogWarning(error, "Distribution of lead {LeadId} failed", request.LeadId);
            if (plan is not null)
            {
                await RecordFailure(plan, error, durationMs);
            }
            throw;
        }
        logger.LogInformation(
            "Distributed lead {LeadId} (attempt {Attempt}, start {Start}): {Status}, {Assignments} assignment(s), {Skipped} skip(s) in {DurationMs} ms",
            request.LeadId, result.Attempt, result.StartLevelOrderPosition, result.Status, result.Assignments.Count, result.Skipped.Count, result.DurationMs);
        await interruptions.At(InterruptionPoint.AfterCommit, request.LeadId);
        return result;
    }

    private async Task<DistributionStore.DistributeRow> Commit(DistributionPlan plan, long started)
    {
        _inFlight++;
        try
        {
            return await committer.Commit(plan, started);
        }
        finally
        {
            if (--_inFlight == 0)
            {
                _idle?.TrySetResult();
                _idle = null;
            }
        }
    }

    /// <summary>
    /// After a plan came back stale, waits until none of this niche's plans is in flight and takes
    /// the pointer as committed, so the next plans start from the truth.
    /// </summary>
    private async Task Resynchronize()
    {
        while (_resynchronize)
        {
            if (_inFlight > 0)
            {
                _idle ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                await _idle.Task;
                continue;
            }
            _resynchronize = false;
            var pointer = await store.LoadPointer(NicheId);
            _niche = _niche! with { NextStartLevelOrderPosition = pointer };
            _plannedPointer = pointer;
        }
    }

    /// <summary>
    /// Rules 1 and 2 from what this grain holds: the start level (from the pointer as it will be once
    /// the plans in flight commit), the traversal, and per level the eligible candidates in
    /// least-recently-served order. Unless <paramref name="complete"/>, a level's list stops a margin
    /// past what it could need, counting what the plans in flight may take from it; the database
    /// asks for the rest in the rare case that is not enough.
    /// </summary>
    private DistributionPlan Plan(DistributionRequest request, Guid runId, bool complete)
    {
        var lead = new LeadProfile(request.State, request.Zip, request.AmountCents, request.Attributes);
        var pointer = _plannedPointer ?? _niche!.NextStartLevelOrderPosition;
        var active = ActivePositions();
        var start = active.Count == 0 ? pointer : RotationPointer.ResolveStart(active, pointer);
        var next = active.Count == 0 ? start : RotationPointer.Advance(active, start);
        var traversal = active.Count == 0 ? [] : RotationPointer.Traversal(active, start);
        var takenInFlight = _inFlight * _levels.Values.Sum(l => l.MaxRecipients);
        var levels = new List<PlannedLevel>();
        var takenBefore = 0;
        foreach (var position in traversal)
        {
            var level = _levels.Values.Single(l => l.OrderPosition == position);
            // Providers taken by earlier levels are passed over here (cross-level dedupe), hence the margin grows with them.
            var enough = level.MaxRecipients + takenBefore + takenInFlight + CandidateMargin;
            var candidates = new List<PlannedCandidate>();
            var eligible = 0;
            var truncated = false;
            foreach (var candidate in _queues[level.Id].InServiceOrder())
            {
                var verdict = _filters.GetValueOrDefault(candidate.SubscriptionId, EligibilityFilter.AcceptAll).Evaluate(lead);
                if (verdict == EligibilityVerdict.NotEligible)
                {
                    continue;
                }
                if (!complete && eligible == enough)
                {
                    truncated = true;
                    break;
                }
                candidates.Add(new PlannedCandidate(candidate.SubscriptionId, candidate.ProviderId, verdict == EligibilityVerdict.Error));
                eligible += verdict == EligibilityVerdict.Eligible ? 1 : 0;
            }
            levels.Add(new PlannedLevel(level.Id, level.OrderPosition, level.MaxRecipients, level.PriceCents, truncated, candidates));
            takenBefore += level.MaxRecipients;
        }
        _plannedPointer = next;
        return new DistributionPlan(request.LeadId, NicheId, runId, request.Actor, NextServedAt(), pointer, start, next, levels);
    }

    /// <summary>
    /// The clock, but strictly increasing per niche at PostgreSQL's microsecond precision, so the
    /// order the niche served its leads in is the order of its recipients' last_received_at.
    /// </summary>
    private DateTimeOffset NextServedAt()
    {
        var now = clock.GetUtcNow();
        now = now.AddTicks(-(now.Ticks % TimeSpan.TicksPerMicrosecond));
        _lastServedAt = now > _lastServedAt ? now : _lastServedAt.AddTicks(TimeSpan.TicksPerMicrosecond);
        return _lastServedAt;
    }

    /// <summary>Takes in what the committed distribution did: the pointer moved, who was served, who left the order.</summary>
    private DistributionResult Learn(DistributionPlan plan, DistributionStore.DistributeRow row, long durationMs)
    {
        _niche = _niche! with { NextStartLevelOrderPosition = row.Pointer };
        var assignments = row.AssignmentRecords();
        var skipped = row.SkippedProviders();
        foreach (var assignment in assignments)
        {
            _queues.GetValueOrDefault(assignment.LevelId)?.MarkServed(assignment.SubscriptionId, plan.ServedAt);
        }
        foreach (var skip in skipped)
        {
            telemetry.CandidateSkipped(skip.Reason);
            if (skip.Reason is SkipReasons.ProviderInactive or SkipReasons.SubscriptionInactive && _subscriptions.TryGetValue(skip.SubscriptionId, out var subscription))
            {
                _queues.GetValueOrDefault(subscription.LevelId)?.Remove(skip.SubscriptionId);
            }
        }
        ForgetPaused(row.PausedSubscriptionIds ?? []);
        telemetry.DistributionCompleted(row.Status!, assignments.Count, durationMs);
        return new DistributionResult(
            plan.LeadId, plan.RunId, row.Attempt, plan.StartLevelOrderPosition, plan.Traversal, assignments, skipped,
            durationMs, row.Status!, plan.ServedAt);
    }

    private async Task RecordFailure(DistributionPlan plan, Exception error, long durationMs)
    {
        try
        {
            await runs.RecordFailure(plan, error.Message, clock.GetUtcNow(), durationMs);
        }
        catch (Exception recordError)
        {
            // Only the record of the failure is lost; the lead's retry schedule is kept by the lead grain.
            logger.LogError(recordError, "Could not record the failed distribution of lead {LeadId}", plan.LeadId);
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
