using Microsoft.Extensions.DependencyInjection;
using LeadGrains.Abstractions;
using LeadGrains.Abstractions.Distribution;
using LeadGrains.Abstractions.Niches;
using LeadGrains.Domain.Distribution;
using LeadGrains.Domain.Eligibility;
using LeadGrains.Grains.Distribution;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

using LeadGrains.Grains.Placement;

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
[NichePlacement]
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
    private readonly NicheMarket _market = new();
    private readonly PlansInFlight _plans = new(committer);
    // The pointer and version once every plan in flight is recorded; null: as committed.
    private int? _plannedPointer;
    private long? _plannedVersion;

    /// <summary>Decisions of one lead refused (stale version, a balance spent elsewhere) before the attempt counts as failed.</summary>
    private const int MaxPlansPerLead = 10;

    private Guid NicheId => this.GetPrimaryKey();

    public override async Task OnActivateAsync(CancellationToken cancellationToken) => await Reload();

    /// <summary>Takes the niche as the database holds it: configuration, pointer and version, subscriptions and their providers' balances.</summary>
    private async Task Reload()
    {
        var snapshot = await store.Load(NicheId);
        _market.Clear();
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
            _market.SetLevel(level);
        }
        foreach (var subscription in snapshot.Subscriptions)
        {
            _market.Track(subscription);
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
            _market.SetLevel(level);
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
        if (_market.Levels.Count >= NicheValidation.MaxLevels)
        {
            throw new ValidationFailedException("levels", $"a niche has at most {NicheValidation.MaxLevels} levels.");
        }
        var row = new LevelRow(Guid.NewGuid(), level.Name.Trim(), level.OrderPosition, level.MaxRecipients, level.PriceCents, level.IsActive);
        await store.AddLevel(NicheId, row);
        _market.SetLevel(row);
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
        var current = _market.Level(levelId) ?? throw new ValidationFailedException("level_id", "is not a level of this niche.");
        var changed = current with
        {
            Name = update.Name?.Trim() ?? current.Name,
            MaxRecipients = update.MaxRecipients ?? current.MaxRecipients,
            PriceCents = update.PriceCents ?? current.PriceCents,
            IsActive = update.IsActive ?? current.IsActive,
        };
        await store.UpdateLevel(changed);
        _market.SetLevel(changed);
        return ToView(changed);
    }

    public async Task<SubscriptionView> Subscribe(Guid providerId, Guid levelId, SubscriptionFilterSpec filters)
    {
        RequireExists();
        if (_market.Level(levelId) is null)
        {
            throw new ValidationFailedException("level_id", "is not a level of this niche.");
        }
        var domainFilters = FilterMapping.ToDomain(filters ?? SubscriptionFilterSpec.None);
        ThrowIfInvalid(domainFilters);
        var row = await store.InsertSubscription(Guid.NewGuid(), NicheId, _niche!.WorkspaceId, providerId, levelId, FilterMapping.ToJson(domainFilters))
            ?? throw new ValidationFailedException("provider_id", "does not name a provider of this workspace.");
        _market.Track(row);
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
        _market.Track(row);
        return ToView(row);
    }

    public async Task RefreshSubscriptions(IReadOnlyList<Guid> subscriptionIds)
    {
        if (_niche is null)
        {
            return;
        }
        if (_plans.Count > 0)
        {
            // A balance read now may already include charges still reserved here: take it all afresh once idle.
            _plans.RequireResynchronization();
            return;
        }
        foreach (var row in await store.LoadSubscriptions(NicheId, subscriptionIds))
        {
            _market.Track(row);
        }
    }

    public async Task<DistributionResult> Distribute(DistributionRequest request)
    {
        RequireExists();
        if (request.WorkspaceId != _niche!.WorkspaceId)
        {
            throw new InvalidOperationException($"Lead {request.LeadId} belongs to another workspace than niche {NicheId}.");
        }
        if (_plans.Count >= options.Value.MaxInFlightPerNiche)
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
                await _plans.Resynchronize(Reload);
                RequireExists();
                plan = _market.Decide(request, NicheId, runId, _plannedPointer ?? _niche!.NextStartLevelOrderPosition,
                    _plannedVersion ?? _niche!.DistributionVersion, clock.GetUtcNow());
                _plannedPointer = plan.NextPointer;
                _plannedVersion = plan.Version + 1;
                if (tries == 1)
                {
                    probe.AttemptBegun(request.LeadId);
                }
                var row = await _plans.Commit(plan, started, _market.Balances);
                if (row.Outcome == "recorded")
                {
                    result = Learn(plan, row, (long)clock.GetElapsedTime(started).TotalMilliseconds);
                    break;
                }
                // Refused: nothing was written, and the plans decided after this one assumed it was.
                _plans.RequireResynchronization();
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
            _plans.RequireResynchronization();
            telemetry.DistributionBusy();
            throw;
        }
        catch (OperationCanceledException)
        {
            // The silo is stopping (a graceful restart): the decision was not attempted. It is no failed
            // attempt either, so none is recorded; the lead's queue retries it on a silo that stays.
            _plans.RequireResynchronization();
            throw;
        }
        catch (Exception error) when (error is not LeadNotDistributableException)
        {
            _plans.RequireResynchronization();
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

    /// <summary>Takes in what the database recorded: the committed pointer and version, and the subscriptions a charge paused.</summary>
    private DistributionResult Learn(DistributionPlan plan, DistributionStore.RecordedRow row, long durationMs)
    {
        _niche = _niche! with { NextStartLevelOrderPosition = row.Pointer, DistributionVersion = row.Version };
        foreach (var skip in plan.Skipped)
        {
            telemetry.CandidateSkipped(skip.Reason);
        }
        _market.ForgetPaused(row.PausedSubscriptionIds);
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
        _market.Levels.OrderBy(l => l.OrderPosition).Select(ToView).ToList());

    private static LevelView ToView(LevelRow level) =>
        new(level.Id, level.Name, level.OrderPosition, level.MaxRecipients, level.PriceCents, level.IsActive);

    private SubscriptionView ToView(SubscriptionRow row) =>
        new(row.Id, row.ProviderId, row.LevelId, NicheId, FilterMapping.ToSpec(FilterMapping.FromJson(row.Filters)), row.Status, row.LastReceived);
}
