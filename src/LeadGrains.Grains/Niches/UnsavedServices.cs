using LeadGrains.Grains.Distribution;
using Microsoft.Extensions.Logging;

namespace LeadGrains.Grains.Niches;

/// <summary>
/// The last services (a subscription's latest assignment time) a niche knows are recorded but not
/// saved to subscriptions.last_received_at yet, and the watermark it may save with them. Writing
/// last_received_at inside every distribution's transaction was a quarter of the serial group
/// commit, so the niche saves it every few seconds instead; until then the assignments themselves
/// say it (subscriptions_last_received reads the niche's runs after its watermark).
/// The watermark is a time up to which every recorded service of the niche is among the saved ones:
/// it never passes a plan still in flight, nor one whose answer was lost to an error (it may have
/// been recorded all the same) until the niche has reloaded what the database holds.
/// Used only from the niche grain's serial turns.
/// </summary>
/// <param name="interval">How often a busy niche saves.</param>
internal sealed class UnsavedServices(Guid nicheId, NicheStore store, ILogger logger, DateTimeOffset activatedAt, TimeSpan interval)
{
    private readonly Dictionary<Guid, DateTimeOffset> _unsaved = new();
    private readonly SortedSet<DateTimeOffset> _inFlight = new();
    private DateTimeOffset _latestAnswered = DateTimeOffset.MinValue;
    private DateTimeOffset _lostFrom = DateTimeOffset.MaxValue;
    private DateTimeOffset _nextSave = ServiceSaveSchedule.FirstSaveDue(nicheId, activatedAt, interval);
    private Task _saving = Task.CompletedTask;

    /// <summary>A plan served at <paramref name="servedAt"/> is handed to the committer.</summary>
    public void Sent(DateTimeOffset servedAt) => _inFlight.Add(servedAt);

    /// <summary>The database answered the plan: recorded (its services count from now on) or refused (nothing was written).</summary>
    public void Answered(DistributionPlan plan, bool recorded)
    {
        _inFlight.Remove(plan.ServedAt);
        if (plan.ServedAt > _latestAnswered)
        {
            _latestAnswered = plan.ServedAt;
        }
        if (recorded)
        {
            foreach (var assignment in plan.Assignments)
            {
                Keep(assignment.SubscriptionId, plan.ServedAt);
            }
        }
    }

    /// <summary>The plan's commit failed without an answer: it may have been recorded, so the watermark stops before it.</summary>
    public void Lost(DateTimeOffset servedAt)
    {
        _inFlight.Remove(servedAt);
        if (servedAt < _lostFrom)
        {
            _lostFrom = servedAt;
        }
    }

    /// <summary>
    /// The niche (re)loaded its subscriptions, with nothing in flight: the services only the
    /// assignments said are now known here, whichever plan recorded them.
    /// </summary>
    public void Reloaded(IEnumerable<SubscriptionRow> subscriptions)
    {
        foreach (var row in subscriptions)
        {
            if (!row.ServiceSaved && row.LastReceived is { } servedAt)
            {
                Keep(row.Id, servedAt);
                if (servedAt > _latestAnswered)
                {
                    _latestAnswered = servedAt;
                }
            }
        }
        _lostFrom = DateTimeOffset.MaxValue;
    }

    /// <summary>
    /// Starts a save in the background when one is due (something unsaved, an interval since the
    /// last) and none is running; the distribution that triggers it does not wait for it.
    /// </summary>
    public void SaveIfDue(DateTimeOffset now)
    {
        if (_unsaved.Count > 0 && _saving.IsCompleted && now >= _nextSave)
        {
            _saving = Save(now);
        }
    }

    /// <summary>Saves everything unsaved now (the niche deactivates), after any save already running.</summary>
    public async Task SaveAll(DateTimeOffset now)
    {
        await _saving;
        if (_unsaved.Count > 0)
        {
            await Save(now);
        }
    }

    private async Task Save(DateTimeOffset now)
    {
        _nextSave = now + interval;
        var taken = new Dictionary<Guid, DateTimeOffset>(_unsaved);
        try
        {
            var saved = await store.SaveServices(nicheId, [.. taken.Keys], [.. taken.Values], Watermark());
            foreach (var id in saved)
            {
                if (_unsaved.TryGetValue(id, out var known) && known <= taken[id])
                {
                    _unsaved.Remove(id);
                }
            }
        }
        catch (Exception error)
        {
            // Nothing is lost: the services stay here for the next save, and the assignments say them meanwhile.
            logger.LogWarning(error, "Could not save the last services of niche {NicheId}", nicheId);
        }
    }

    /// <summary>The latest answered service, but before any plan still in flight or lost since the last reload.</summary>
    private DateTimeOffset Watermark()
    {
        var firstOpen = _inFlight.Count > 0 ? _inFlight.Min : DateTimeOffset.MaxValue;
        if (_lostFrom < firstOpen)
        {
            firstOpen = _lostFrom;
        }
        return firstOpen <= _latestAnswered ? firstOpen.AddTicks(-TimeSpan.TicksPerMicrosecond) : _latestAnswered;
    }

    private void Keep(Guid subscriptionId, DateTimeOffset servedAt)
    {
        if (!_unsaved.TryGetValue(subscriptionId, out var known) || known < servedAt)
        {
            _unsaved[subscriptionId] = servedAt;
        }
    }
}
