using Microsoft.Extensions.DependencyInjection;
using System.Diagnostics;
using LeadGrains.Abstractions;
using LeadGrains.Abstractions.Distribution;
using LeadGrains.Abstractions.Niches;
using LeadGrains.Domain.Distribution;
using LeadGrains.Domain.Eligibility;
using LeadGrains.Grains.Distribution;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LeadGrains.Grains.Niches;

/// <summary>
/// One niche. It holds its levels, its rotation pointer and version, each level's
/// least-recently-served order and what its providers can spend, and decides each lead's whole
/// distribution from that alone — start level, traversal, recipients, skips, status — in one serial
/// turn. It hands the decision to its silo's <see cref="DistributionCommitter"/> and, without
/// waiting for the commit, may decide the next lead as if this one were recorded; the database
/// records the decisions in that order, each atomically, and refuses any that is no longer true
/// (the lead is not approved, the niche's version moved, a balance does not cover a charge).
/// </summary>
public sealed class NicheGrain(
    NicheStore store,
    DistributionStore runs,
    DistributionCommitter committer,
    [FromKeyedServices(LeadGrainsClock.Key)] TimeProvider clock,
    IDistributionProbe probe,
    IOptions<DistributionQueueOptions> options,
    LeadGrainsTelemetry telemetry,
    ILogger<NicheGrain> logger) : Grain, INicheGrain
{
    private NicheRow? _niche;
    private readonly Dictionary<Guid, LevelRow> _levels = new();
    private readonly Dictionary<Guid, SubscriptionRow> _subscriptions = new();
    private readonly Dictionary<Guid, EligibilityFilter> _filters = new();
    private readonly Dictionary<Guid, LeastRecentlyServedQueue> _queues = new();
    private readonly ProviderBalances _balances = new();

    // Distributions in flight: decided, handed to the committer, not yet answered. The next decision
    // assumes they all are recorded: the pointer and version step on, their recipients were served
    // and charged.
    private int _inFlight;
    private int? _plannedPointer;          // the pointer once every plan in flight is recorded; null: as committed
    private long? _plannedVersion;
    private bool _resynchronize;           // a plan was refused or failed: reload what the database holds before deciding again
    private TaskCompletionSource? _idle;   // completed when nothing is in flight
    private TaskCompletionSource? _reloaded;   // set while a resynchronizing reload runs
    private DateTimeOffset _lastServedAt;

    /// <summary>Decisions of one lead refused (stale version, a balance spent elsewhere) before the attempt counts as failed.</summary>
    private const int MaxPlansPerLead = 10;

    private Guid NicheId => this.GetPrimaryKey();

    public override async Task OnActivateAsync(CancellationToken cancellationToken) => await Reload();

    /// <summary>Takes the niche as the database holds it: configuration, pointer and version, subscriptions and their providers' balances.</summary>
    private async Task Reload()
    {
        var snapshot = await store.Load(NicheId);
        _levels.Clear();
        _subscriptions.Clear();
        _filters.Clear();
        _queues.Clear();
        _plannedPointer = null;
        _plannedVersion = null;
        if (snapshot is null)
        {
            _niche = null;
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
        if (_inFlight > 0)
        {
            // A balance read now may already include charges still reserved here: take it all afresh once idle.
            _resynchronize = true;
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
        if (_inFlight >= options.Value.MaxInFlightPerNiche)
        {
            telemetry.DistributionBusy();
            throw new DistributionBusyException($"Niche {NicheId}");
        }
        var started = clock.GetTimestamp();
        var runId = Guid.CreateVersion7();
        DistributionPlan? plan = null;
        DistributionResult result;
        try
        {
            for (var tries = 1; ; tries++)
            {
                await Resynchronize();
                plan = Decide(request, runId);
                if (tries == 1)
                {
                    probe.AttemptBegun(request.LeadId);
                }
                var row = await Commit(plan, started);
                if (row.Outcome == "recorded")
                {
                    result = Learn(plan, row, (long)clock.GetElapsedTime(started).TotalMilliseconds);
                    break;
                }
                // Refused: nothing was written, and the plans decided after this one assumed it was.
                _resynchronize = true;
                switch (row.Outcome)
                {
                    case "not_distributable":
                        throw new LeadNotDistributableException(request.LeadId, row.LeadStatus);
                    case "stale" or "insufficient_balance" when tries < MaxPlansPerLead:
                        // An earlier lead of this niche was refused, another activation moved the version
                        // (membership change), or another niche spent a balance first: decide again.
                        telemetry.DecisionRefused(row.Outcome);
                        break;
                    default:
                        throw new InvalidOperationException($"Niche {NicheId} could not distribute lead {request.LeadId}: {row.Outcome} after {tries} decisions.");
                }
            }
        }
        catch (DistributionBusyException)
        {
            // The silo's committer is full: this decision will not be recorded, and the ones after it assumed it would.
            _resynchronize = true;
            telemetry.DistributionBusy();
            throw;
        }
        catch (Exception error) when (error is not LeadNotDistributableException)
        {
            _resynchronize = true;
            var durationMs = (long)clock.GetElapsedTime(started).TotalMilliseconds;
            telemetry.DistributionFailed(durationMs);
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
        await probe.At(InterruptionPoint.AfterCommit, request.LeadId);
        return result;
    }

    /// <summary>
    /// Hands the decision over and waits for the database's answer. Its charges are reserved from
    /// here until the answer, so the decisions taken meanwhile see them spent.
    /// </summary>
    private async Task<DistributionStore.RecordedRow> Commit(DistributionPlan plan, long started)
    {
        _balances.Reserve(plan.Assignments);
        _inFlight++;
        try
        {
            var row = await committer.Commit(plan, started);
            if (row.Outcome is "recorded" or "insufficient_balance")
            {
                _balances.Report(plan.Assignments, row.Balances);
            }
            return row;
        }
        finally
        {
            _balances.Release(plan.Assignments);
            if (--_inFlight == 0)
            {
                _idle?.TrySetResult();
                _idle = null;
            }
        }
    }

    /// <summary>
    /// After a decision was refused or failed, waits until none of this niche's plans is in flight
    /// and reloads the niche, so the next decisions start from what the database holds. Calls that
    /// arrive meanwhile wait for the reload rather than decide on what it is replacing.
    /// </summary>
    private async Task Resynchronize()
    {
        while (_resynchronize)
        {
            if (_reloaded is { } reloading)
            {
                await reloading.Task;
                continue;
            }
            if (_inFlight > 0)
            {
                _idle ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                await _idle.Task;
                continue;
            }
            var done = _reloaded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            try
            {
                await Reload();
                _resynchronize = false;
            }
            finally
            {
                _reloaded = null;
                done.TrySetResult();
            }
            RequireExists();
        }
    }

    /// <summary>
    /// Rules 1, 2, 3 and 5 from what this grain holds: the start level (from the pointer as it will
    /// be once the plans in flight are recorded), the traversal, and per level the recipients in
    /// least-recently-served order that can pay (<see cref="DistributionDecision"/>). The decision is
    /// taken as done at once — recipients served, pointer and version stepped, and its charges
    /// reserved as it is handed over — so the next lead is decided after it.
    /// </summary>
    private DistributionPlan Decide(DistributionRequest request, Guid runId)
    {
        var lead = new LeadProfile(request.State, request.Zip, request.AmountCents, request.Attributes);
        var pointer = _plannedPointer ?? _niche!.NextStartLevelOrderPosition;
        var version = _plannedVersion ?? _niche!.DistributionVersion;
        var active = ActivePositions();
        var start = active.Count == 0 ? pointer : RotationPointer.ResolveStart(active, pointer);
        var next = active.Count == 0 ? start : RotationPointer.Advance(active, start);
        IReadOnlyList<int> traversal = active.Count == 0 ? [] : RotationPointer.Traversal(active, start);
        var levels = traversal
            .Select(position => _levels.Values.Single(l => l.OrderPosition == position))
            .Select(level => new LevelToFill(level.Id, level.OrderPosition, level.MaxRecipients, level.PriceCents, Candidates(level.Id, lead)))
            .ToList();
        var decision = DistributionDecision.Decide(levels, _balances.Available);

        var servedAt = NextServedAt();
        var assignments = decision.Assignments
            .Select(a => new AssignmentRecord(Guid.CreateVersion7(), a.ProviderId, a.SubscriptionId, a.LevelId, a.PriceCents))
            .ToList();
        foreach (var assignment in assignments)
        {
            _queues[assignment.LevelId].MarkServed(assignment.SubscriptionId, servedAt);
        }
        _plannedPointer = next;
        _plannedVersion = version + 1;
        return new DistributionPlan(
            request.LeadId, NicheId, runId, request.Actor, servedAt, version, start, next, traversal, assignments,
            decision.Skipped.Select(s => new SkippedProvider(s.ProviderId, s.SubscriptionId, s.Reason)).ToList(),
            decision.Outcome.ToWire(), decision.ShortProviders);
    }

    /// <summary>The level's subscriptions whose filters take the lead, least recently served first, read only as far as needed.</summary>
    private IEnumerable<Candidate> Candidates(Guid levelId, LeadProfile lead)
    {
        foreach (var entry in _queues[levelId].InServiceOrder())
        {
            var verdict = _filters.GetValueOrDefault(entry.SubscriptionId, EligibilityFilter.AcceptAll).Evaluate(lead);
            if (verdict != EligibilityVerdict.NotEligible)
            {
                yield return new Candidate(entry.SubscriptionId, entry.ProviderId, verdict == EligibilityVerdict.Error);
            }
        }
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

    /// <summary>Takes in what the database recorded: the committed pointer and version, and the subscriptions a charge paused.</summary>
    private DistributionResult Learn(DistributionPlan plan, DistributionStore.RecordedRow row, long durationMs)
    {
        _niche = _niche! with { NextStartLevelOrderPosition = row.Pointer, DistributionVersion = row.Version };
        foreach (var skip in plan.Skipped)
        {
            telemetry.CandidateSkipped(skip.Reason);
        }
        ForgetPaused(row.PausedSubscriptionIds);
        telemetry.DistributionRecorded(NicheId, plan.Status, plan.Assignments, durationMs);
        return new DistributionResult(
            plan.LeadId, plan.RunId, row.Attempt, plan.StartLevelOrderPosition, plan.Traversal, plan.Assignments, plan.Skipped,
            durationMs, plan.Status, plan.ServedAt);
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
        _balances.Report(row.ProviderId, row.ProviderBalanceCents);
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
