using LeadGrains.Abstractions.Distribution;
using LeadGrains.Domain.Controls;
using LeadGrains.Domain.Distribution;
using LeadGrains.Domain.Eligibility;
using LeadGrains.Grains.Distribution;
using NodaTime;

namespace LeadGrains.Grains.Niches;

/// <summary>
/// What a niche grain holds to decide its distributions in memory: its levels, its subscriptions
/// with their compiled filters and buyer controls (caps, budgets, delivery hours, with what each took in
/// its current periods), each level's least-recently-served order and what its providers can
/// spend. It decides one lead at a time and takes each decision as done at once (recipients served,
/// charges to be reserved by the caller), so the next lead is decided after it. Nothing here waits
/// or touches the database: <see cref="NicheGrain"/> loads it and hands its decisions over.
/// </summary>
internal sealed class NicheMarket
{
    private readonly Dictionary<Guid, LevelRow> _levels = new();
    // The active levels by order position, ascending; rebuilt when a level changes, read by every decision.
    private ActiveLevels? _active;

    private sealed record ActiveLevels(List<int> Positions, Dictionary<int, LevelRow> ByPosition);
    private readonly Dictionary<Guid, SubscriptionRow> _subscriptions = new();
    private readonly Dictionary<Guid, EligibilityFilter> _filters = new();
    private readonly Dictionary<Guid, LeastRecentlyServedQueue> _queues = new();
    // Only subscriptions with caps or hours, each with the stored controls it was built from.
    private readonly Dictionary<Guid, (SubscriptionLimits Limits, string Controls)> _limits = new();
    private DateTimeOffset _lastServedAt;

    /// <summary>What the niche's providers can spend, less the charges of its plans in flight.</summary>
    public ProviderBalances Balances { get; } = new();

    public IReadOnlyCollection<LevelRow> Levels => _levels.Values;

    public LevelRow? Level(Guid levelId) => _levels.GetValueOrDefault(levelId);

    public SubscriptionRow? Subscription(Guid subscriptionId) => _subscriptions.GetValueOrDefault(subscriptionId);

    /// <summary>Forgets the levels and subscriptions (before they are loaded afresh). Balances stay as last reported.</summary>
    public void Clear()
    {
        _levels.Clear();
        _active = null;
        _subscriptions.Clear();
        _filters.Clear();
        _queues.Clear();
        _limits.Clear();
    }

    /// <summary>Adds or changes a level; a new level starts with an empty order.</summary>
    public void SetLevel(LevelRow level)
    {
        _levels[level.Id] = level;
        _active = null;
        if (!_queues.ContainsKey(level.Id))
        {
            _queues[level.Id] = new LeastRecentlyServedQueue();
        }
    }

    /// <summary>Keeps the view of one subscription current: servable ones are in their level's order.</summary>
    public void Track(SubscriptionRow row)
    {
        _subscriptions[row.Id] = row;
        Balances.Report(row.ProviderId, row.ProviderBalanceCents);
        _filters[row.Id] = EligibilityFilter.From(SubscriptionFilterJson.Parse(row.Filters));
        TrackLimits(row);
        if (!_queues.TryGetValue(row.LevelId, out var queue))
        {
            return;
        }
        if (row.IsServable)
        {
            // The order may know a later service than the row (a distribution recorded since it was read).
            var lastReceived = row.LastReceived;
            if (queue.Find(row.Id)?.LastReceivedAt is { } known && (lastReceived is null || known > lastReceived))
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

    /// <summary>
    /// Keeps a subscription's caps and hours. Unchanged controls keep their counts, which include the
    /// leads of plans still in flight; changed ones start from the database's counts (<see cref="Counted"/>).
    /// </summary>
    private void TrackLimits(SubscriptionRow row)
    {
        var controls = $"{ControlsMapping.CapsOf(row)}|{row.DeliveryHours}|{row.TimeZone}";
        if (_limits.TryGetValue(row.Id, out var known) && known.Controls == controls)
        {
            return;
        }
        var limits = ControlsMapping.LimitsOf(row);
        if (limits.Limits)
        {
            _limits[row.Id] = (limits, controls);
        }
        else
        {
            _limits.Remove(row.Id);
        }
    }

    /// <summary>Takes the current periods' counts as the database holds them.</summary>
    public void Counted(IEnumerable<UsageRow> usage)
    {
        foreach (var row in usage)
        {
            if (_limits.TryGetValue(row.SubscriptionId, out var known))
            {
                known.Limits.Counted(ControlsMapping.PeriodOf(row.Period), NodaTime.Text.LocalDatePattern.Iso.Parse(row.PeriodStart).Value, row.Leads, row.SpendCents);
            }
        }
    }

    /// <summary>The subscription's caps, hours and counts; null when it has none.</summary>
    public SubscriptionLimits? Limits(Guid subscriptionId) => _limits.TryGetValue(subscriptionId, out var known) ? known.Limits : null;

    /// <summary>Subscriptions a charge paused (their provider's balance fell below their price) leave the order.</summary>
    public void ForgetPaused(IReadOnlyList<Guid> pausedSubscriptionIds)
    {
        foreach (var id in pausedSubscriptionIds)
        {
            if (_subscriptions.TryGetValue(id, out var row))
            {
                Track(row with { Status = "paused_insufficient_balance" });
            }
        }
    }

    /// <summary>
    /// Rules 1, 2, 3 and 5: the start level (from <paramref name="pointer"/>, the pointer as it will
    /// be once the plans in flight are recorded), the traversal, and per level the recipients in
    /// least-recently-served order that can pay (<see cref="DistributionDecision"/>). The recipients
    /// count as served from here on.
    /// </summary>
    /// <param name="version">The niche's distribution version this decision is made on.</param>
    public DistributionPlan Decide(DistributionRequest request, Guid nicheId, Guid runId, int pointer, long version, DateTimeOffset now)
    {
        var lead = new LeadProfile(request.State, request.Zip, request.AmountCents, request.Attributes);
        var active = ActivePositions();
        var start = active.Count == 0 ? pointer : RotationPointer.ResolveStart(active, pointer);
        var next = active.Count == 0 ? start : RotationPointer.Advance(active, start);
        IReadOnlyList<int> traversal = active.Count == 0 ? [] : RotationPointer.Traversal(active, start);
        // Caps, budgets and hours are judged at the instant the lead is recorded as served, as the database guard judges them.
        var servedAt = NextServedAt(now);
        var instant = Instant.FromDateTimeOffset(servedAt);
        var levels = traversal
            .Select(position => Active().ByPosition[position])
            .Select(level => new LevelToFill(level.Id, level.OrderPosition, level.MaxRecipients, level.PriceCents, Candidates(level, lead, instant)))
            .ToList();
        var decision = DistributionDecision.Decide(levels, Balances.Available);

        var assignments = decision.Assignments
            .Select(a => new AssignmentRecord(Guid.CreateVersion7(), a.ProviderId, a.SubscriptionId, a.LevelId, a.PriceCents))
            .ToList();
        foreach (var assignment in assignments)
        {
            _queues[assignment.LevelId].MarkServed(assignment.SubscriptionId, servedAt);
            Limits(assignment.SubscriptionId)?.Served(assignment.PriceCents, instant);
        }
        return new DistributionPlan(
            request.LeadId, nicheId, runId, request.Actor, servedAt, version, start, next, traversal, assignments,
            decision.Skipped.Select(s => new SkippedProvider(s.ProviderId, s.SubscriptionId, s.Reason)).ToList(),
            decision.Outcome.ToWire(), decision.ShortProviders);
    }

    /// <summary>
    /// The level's subscriptions whose filters take the lead, least recently served first, read only
    /// as far as needed, each with what its caps, budget or hours say about it at <paramref name="at"/>.
    /// </summary>
    private IEnumerable<Candidate> Candidates(LevelRow level, LeadProfile lead, Instant at)
    {
        foreach (var entry in _queues[level.Id].InServiceOrder())
        {
            var verdict = _filters.GetValueOrDefault(entry.SubscriptionId, EligibilityFilter.AcceptAll).Evaluate(lead);
            if (verdict != EligibilityVerdict.NotEligible)
            {
                yield return new Candidate(entry.SubscriptionId, entry.ProviderId, verdict == EligibilityVerdict.Error,
                    Limits(entry.SubscriptionId)?.HoldsBack(level.PriceCents, at));
            }
        }
    }

    /// <summary>
    /// The clock, but strictly increasing per niche at PostgreSQL's microsecond precision, so the
    /// order the niche served its leads in is the order of its recipients' last_received_at.
    /// </summary>
    private DateTimeOffset NextServedAt(DateTimeOffset now)
    {
        now = now.AddTicks(-(now.Ticks % TimeSpan.TicksPerMicrosecond));
        _lastServedAt = now > _lastServedAt ? now : _lastServedAt.AddTicks(TimeSpan.TicksPerMicrosecond);
        return _lastServedAt;
    }

    /// <summary>Each level's servable subscriptions (active, their provider active): those that should share its leads.</summary>
    public IEnumerable<(Guid LevelId, IEnumerable<Guid> Subscriptions)> ServableByLevel() =>
        _queues.Select(q => (q.Key, q.Value.InServiceOrder().Select(e => e.SubscriptionId)));

    private List<int> ActivePositions() => Active().Positions;

    private ActiveLevels Active()
    {
        if (_active is null)
        {
            var active = _levels.Values.Where(l => l.IsActive).OrderBy(l => l.OrderPosition).ToList();
            _active = new ActiveLevels([.. active.Select(l => l.OrderPosition)], active.ToDictionary(l => l.OrderPosition));
        }
        return _active;
    }
}
