using LeadGrains.Abstractions;
using LeadGrains.Abstractions.Distribution;
using LeadGrains.Abstractions.Niches;
using LeadGrains.Domain.Eligibility;
using LeadGrains.Domain.Niches;
using LeadGrains.Grains.Distribution;
using LeadGrains.Grains.Placement;

namespace LeadGrains.Grains.Niches;

/// <summary>
/// One niche. It holds its levels, its rotation pointer and version, each level's
/// least-recently-served order and what its providers can spend (<see cref="NicheState"/>), and
/// keeps them current as its configuration changes. Its <see cref="NicheDistributor"/> decides each
/// lead's whole distribution from that alone and hands it to the silo's
/// <see cref="DistributionCommitter"/>; the database records the decisions in order, each
/// atomically, and refuses any that is no longer true (the lead is not approved, the niche's
/// version moved, a balance does not cover a charge).
/// </summary>
[NichePlacement]
public sealed class NicheGrain(NicheStore store, NicheDistributionServices services) : Grain, INicheGrain
{
    private readonly NicheState _state = new();
    private NicheDistributor? _distributor;

    private Guid NicheId => this.GetPrimaryKey();

    private NicheMarket Market => _state.Market;

    private NicheDistributor Distributor => _distributor ??= new NicheDistributor(NicheId, _state, services, Reload);

    private SubscriptionControlsEditor Controls => new(NicheId, store, Market, services.Clock);

    public override async Task OnActivateAsync(CancellationToken cancellationToken) => await Reload();

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) =>
        await Distributor.SaveAll();

    /// <summary>Takes the niche as the database holds it: configuration, pointer and version, subscriptions and their providers' balances.</summary>
    private async Task Reload()
    {
        var snapshot = await store.Load(NicheId);
        Market.Clear();
        if (snapshot is null)
        {
            _state.Row = null;
            Distributor.Reloaded([]);
            return;
        }
        _state.Row = snapshot.Niche;
        foreach (var level in snapshot.Levels)
        {
            Market.SetLevel(level);
        }
        foreach (var subscription in snapshot.Subscriptions)
        {
            Market.Track(subscription);
        }
        Market.Counted(snapshot.Usage);
        Distributor.Reloaded(snapshot.Subscriptions);
    }

    public async Task<NicheView> Create(CreateNicheCommand command)
    {
        var errors = NicheValidation.Check(command);
        if (errors.Count > 0)
        {
            throw new ValidationFailedException(errors);
        }
        if (_state.Row is not null)
        {
            return _state.Row.WorkspaceId == command.WorkspaceId && _state.Row.Name == command.Name.Trim()
                ? View()
                : throw new ValidationFailedException("niche_id", "is already taken.");
        }
        var levels = command.Levels.Select(l => new LevelRow(Guid.NewGuid(), l.Name.Trim(), l.OrderPosition, l.MaxRecipients, l.PriceCents, l.IsActive)).ToList();
        var pointer = levels.Where(l => l.IsActive).Select(l => l.OrderPosition).DefaultIfEmpty(levels.Min(l => l.OrderPosition)).Min();
        var (niche, stored) = await store.Create(new NicheRow(NicheId, command.WorkspaceId, command.Name.Trim(), pointer), levels);
        _state.Row = niche;
        foreach (var level in stored)
        {
            Market.SetLevel(level);
        }
        return View();
    }

    public Task<NicheView?> Get() => Task.FromResult(_state.Row is null ? null : View());

    public async Task<LevelView> AddLevel(LevelDefinition level)
    {
        RequireExists();
        var errors = NicheValidation.Check(level);
        if (errors.Count > 0)
        {
            throw new ValidationFailedException(errors);
        }
        if (Market.Levels.Count >= NicheValidation.MaxLevels)
        {
            throw new ValidationFailedException("levels", $"a niche has at most {NicheValidation.MaxLevels} levels.");
        }
        var row = await store.AddLevel(NicheId,
            new LevelRow(Guid.NewGuid(), level.Name.Trim(), level.OrderPosition, level.MaxRecipients, level.PriceCents, level.IsActive));
        Market.SetLevel(row);
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
        var current = Market.Level(levelId) ?? throw new ValidationFailedException("level_id", "is not a level of this niche.");
        var changed = current with
        {
            Name = update.Name?.Trim() ?? current.Name,
            MaxRecipients = update.MaxRecipients ?? current.MaxRecipients,
            PriceCents = update.PriceCents ?? current.PriceCents,
            IsActive = update.IsActive ?? current.IsActive,
        };
        var stored = await store.UpdateLevel(changed);
        Market.SetLevel(stored);
        return ToView(stored);
    }

    public async Task<SubscriptionView> Subscribe(Guid providerId, Guid levelId, SubscriptionFilters filters)
    {
        RequireExists();
        if (Market.Level(levelId) is null)
        {
            throw new ValidationFailedException("level_id", "is not a level of this niche.");
        }
        filters ??= SubscriptionFilters.None;
        ThrowIfInvalid(filters);
        var row = await store.InsertSubscription(Guid.NewGuid(), NicheId, _state.Row!.WorkspaceId, providerId, levelId, SubscriptionFilterJson.Serialize(filters))
            ?? throw new ValidationFailedException("provider_id", "does not name a provider of this workspace.");
        Market.Track(row);
        return ToView(row);
    }

    public async Task<SubscriptionView> UpdateSubscription(Guid subscriptionId, string? status, SubscriptionFilters? filters)
    {
        RequireExists();
        if (status is not null and not ("active" or "paused"))
        {
            throw new ValidationFailedException("status", "must be \"active\" or \"paused\".");
        }
        string? filtersJson = null;
        if (filters is not null)
        {
            ThrowIfInvalid(filters);
            filtersJson = SubscriptionFilterJson.Serialize(filters);
        }
        var row = await store.UpdateSubscription(NicheId, subscriptionId, status, filtersJson)
            ?? throw new ValidationFailedException("subscription_id", "is not a subscription of this niche.");
        Market.Track(row);
        return ToView(row);
    }

    public async Task RefreshSubscriptions(IReadOnlyList<Guid> subscriptionIds)
    {
        if (_state.Row is null)
        {
            return;
        }
        if (Distributor.InFlight > 0)
        {
            // A balance read now may already include charges still reserved here: take it all afresh once idle.
            Distributor.RequireResynchronization();
            return;
        }
        var (rows, usage) = await store.LoadSubscriptions(NicheId, subscriptionIds);
        foreach (var row in rows)
        {
            Market.Track(row);
        }
        Market.Counted(usage);
    }

    public Task<SubscriptionControlsView> SetControls(Guid subscriptionId, SubscriptionControlsSpec controls)
    {
        RequireExists();
        return Controls.Set(subscriptionId, controls);
    }

    public Task<SubscriptionControlsView> SetOwnControls(Guid subscriptionId, SubscriptionCapsSpec? caps, IReadOnlyList<DeliveryWindowSpec>? deliveryHours)
    {
        RequireExists();
        return Controls.SetOwn(subscriptionId, caps, deliveryHours);
    }

    public Task<SubscriptionControlsView?> GetControls(Guid subscriptionId) =>
        Task.FromResult(_state.Row is not null && Market.Subscription(subscriptionId) is { } row ? Controls.View(row) : null);

    public Task<NicheDistributionAnswer> Distribute(DistributionRequest request)
    {
        RequireExists();
        if (request.WorkspaceId != _state.Row!.WorkspaceId)
        {
            throw new InvalidOperationException($"Lead {request.LeadId} belongs to another workspace than niche {NicheId}.");
        }
        return Distributor.Distribute(request);
    }

    private void RequireExists()
    {
        if (_state.Row is null)
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
        NicheId, _state.Row!.WorkspaceId, _state.Row.Name, _state.Row.NextStartLevelOrderPosition,
        Market.Levels.OrderBy(l => l.OrderPosition).Select(ToView).ToList());

    private static LevelView ToView(LevelRow level) =>
        new(level.Id, level.Name, level.OrderPosition, level.MaxRecipients, level.PriceCents, level.IsActive);

    private SubscriptionView ToView(SubscriptionRow row) =>
        new(row.Id, row.ProviderId, row.LevelId, NicheId, SubscriptionFilterJson.Parse(row.Filters), row.Status, row.LastReceived);
}
