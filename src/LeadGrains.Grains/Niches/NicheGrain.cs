using LeadGrains.Abstractions;
using LeadGrains.Abstractions.Distribution;
using LeadGrains.Abstractions.Niches;
using LeadGrains.Domain.Controls;
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

    public async Task<SubscriptionControlsView> SetControls(Guid subscriptionId, SubscriptionControlsSpec controls)
    {
        RequireExists();
        ArgumentNullException.ThrowIfNull(controls);
        var errors = new Dictionary<string, string[]>();
        var caps = ControlsMapping.ToDomain(controls.Caps);
        var hours = ControlsMapping.ToDomain(controls.DeliveryHours, "delivery_hours", errors);
        foreach (var (field, messages) in ControlsValidation.Check(caps, hours))
        {
            errors[field] = messages;
        }
        if (controls.ProviderBounds is { } bounds)
        {
            var maxCaps = ControlsMapping.ToDomain(bounds.MaxCaps);
            var allowedHours = ControlsMapping.ToDomain(bounds.AllowedHours, "provider_bounds.allowed_hours", errors);
            foreach (var (field, messages) in ControlsValidation.Check(maxCaps, allowedHours, "provider_bounds."))
            {
                errors[field.Replace("provider_bounds.caps.", "provider_bounds.max_caps.").Replace("provider_bounds.delivery_hours", "provider_bounds.allowed_hours")] = messages;
            }
        }
        ThrowIfAny(errors);
        return await StoreControls(subscriptionId, ControlsMapping.ToSpec(caps), ControlsMapping.ToSpec(hours), controls.ProviderBounds);
    }

    public async Task<SubscriptionControlsView> SetOwnControls(Guid subscriptionId, SubscriptionCapsSpec? caps, IReadOnlyList<DeliveryWindowSpec>? deliveryHours)
    {
        RequireExists();
        var current = Market.Subscription(subscriptionId) ?? throw new ValidationFailedException("subscription_id", "is not a subscription of this niche.");
        var bounds = ControlsMapping.BoundsFromJson(current.ProviderBounds)
            ?? throw new ValidationFailedException("provider_bounds", "the admin has not opened this subscription's caps and hours to its provider.");
        var errors = new Dictionary<string, string[]>();
        var ownCaps = ControlsMapping.ToDomain(caps);
        var ownHours = ControlsMapping.ToDomain(deliveryHours, "delivery_hours", errors);
        foreach (var (field, messages) in ControlsValidation.Check(ownCaps, ownHours))
        {
            errors[field] = messages;
        }
        var ignored = new Dictionary<string, string[]>();
        var edit = new ProviderEditBounds(ControlsMapping.ToDomain(bounds.MaxCaps), ControlsMapping.ToDomain(bounds.AllowedHours, "", ignored));
        foreach (var (field, messages) in edit.Check(ownCaps, ownHours))
        {
            errors.TryAdd(field, messages);
        }
        ThrowIfAny(errors);
        return await StoreControls(subscriptionId, ControlsMapping.ToSpec(ownCaps), ControlsMapping.ToSpec(ownHours), bounds);
    }

    public Task<SubscriptionControlsView?> GetControls(Guid subscriptionId) =>
        Task.FromResult(_state.Row is not null && Market.Subscription(subscriptionId) is { } row ? ControlsView(row) : null);

    /// <summary>Stores the controls (recounting the current periods) and takes them and the fresh counts in.</summary>
    private async Task<SubscriptionControlsView> StoreControls(
        Guid subscriptionId, SubscriptionCapsSpec caps, IReadOnlyList<DeliveryWindowSpec>? hours, ProviderBoundsSpec? bounds)
    {
        var stored = await store.SetControls(NicheId, subscriptionId, caps, ControlsMapping.ToJson(hours), ControlsMapping.ToJson(bounds), services.Clock.GetUtcNow())
            ?? throw new ValidationFailedException("subscription_id", "is not a subscription of this niche.");
        Market.Track(stored.Row);
        Market.Counted(stored.Usage);
        return ControlsView(stored.Row);
    }

    private SubscriptionControlsView ControlsView(SubscriptionRow row)
    {
        var limits = Market.Limits(row.Id);
        var now = NodaTime.Instant.FromDateTimeOffset(services.Clock.GetUtcNow());
        var usage = limits is null
            ? []
            : Domain.Controls.CapPeriods.All.Where(limits.Caps.Counts).Select(period =>
            {
                var used = limits.UsageIn(period, now);
                return new PeriodUsageView(Domain.Controls.CapPeriods.Name(period), NodaTime.Text.LocalDatePattern.Iso.Format(used.Start), used.Leads, used.SpendCents);
            }).ToList();
        return new SubscriptionControlsView(row.Id, row.ProviderId, row.Status, row.TimeZone, ControlsMapping.CapsOf(row),
            ControlsMapping.HoursFromJson(row.DeliveryHours), ControlsMapping.BoundsFromJson(row.ProviderBounds), usage);
    }

    private static void ThrowIfAny(Dictionary<string, string[]> errors)
    {
        if (errors.Count > 0)
        {
            throw new ValidationFailedException(errors);
        }
    }

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
