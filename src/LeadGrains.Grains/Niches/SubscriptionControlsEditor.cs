using LeadGrains.Abstractions;
using LeadGrains.Abstractions.Niches;
using LeadGrains.Domain.Controls;
using NodaTime;
using NodaTime.Text;

namespace LeadGrains.Grains.Niches;

/// <summary>
/// A niche's changes to its subscriptions' buyer controls — caps, budgets, delivery hours and the
/// bounds a provider may edit within: checks them, stores them (recounting the current periods) and
/// takes them into the niche's market. Used only from the niche grain's turns.
/// </summary>
internal sealed class SubscriptionControlsEditor(Guid nicheId, NicheStore store, NicheMarket market, TimeProvider clock)
{
    /// <summary>The admin's change: caps, hours and the bounds its provider may edit within.</summary>
    public async Task<SubscriptionControlsView> Set(Guid subscriptionId, SubscriptionControlsSpec controls)
    {
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

    /// <summary>The provider's own change, within the bounds the admin set (which stay).</summary>
    public async Task<SubscriptionControlsView> SetOwn(Guid subscriptionId, SubscriptionCapsSpec? caps, IReadOnlyList<DeliveryWindowSpec>? deliveryHours)
    {
        var current = market.Subscription(subscriptionId) ?? throw new ValidationFailedException("subscription_id", "is not a subscription of this niche.");
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

    /// <summary>Stores the controls (recounting the current periods) and takes them and the fresh counts in.</summary>
    private async Task<SubscriptionControlsView> StoreControls(
        Guid subscriptionId, SubscriptionCapsSpec caps, IReadOnlyList<DeliveryWindowSpec>? hours, ProviderBoundsSpec? bounds)
    {
        var stored = await store.SetControls(nicheId, subscriptionId, caps, ControlsMapping.ToJson(hours), ControlsMapping.ToJson(bounds), clock.GetUtcNow())
            ?? throw new ValidationFailedException("subscription_id", "is not a subscription of this niche.");
        market.Track(stored.Row);
        market.Counted(stored.Usage);
        return View(stored.Row);
    }

    /// <summary>The subscription's controls and what it took in the current periods.</summary>
    public SubscriptionControlsView View(SubscriptionRow row)
    {
        var limits = market.Limits(row.Id);
        var now = Instant.FromDateTimeOffset(clock.GetUtcNow());
        var usage = limits is null
            ? []
            : CapPeriods.All.Where(limits.Caps.Counts).Select(period =>
            {
                var used = limits.UsageIn(period, now);
                return new PeriodUsageView(CapPeriods.Name(period), LocalDatePattern.Iso.Format(used.Start), used.Leads, used.SpendCents);
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
}
