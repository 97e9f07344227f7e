namespace LeadGrains.Cluster.Tests.Infrastructure;

/// <summary>
/// The distribution rules written as plainly as possible, independent of the production code: a
/// niche's rotation, the least-recently-served order, cross-level dedupe, "charge if the balance
/// covers the price", and the buyers' controls: a subscription at its daily lead cap or budget, or
/// outside its hours, is passed over and keeps its place. Tests replay the same leads through it and
/// compare assignments and balances. The model knows one day: tests keep their leads within one.
/// </summary>
public sealed class ReferenceModel
{
    public sealed record Level(Guid Id, Guid NicheId, int Position, int MaxRecipients, long PriceCents, bool IsActive);

    /// <param name="Closed">Outside its delivery hours for the whole run.</param>
    public sealed record Subscription(Guid Id, Guid ProviderId, Guid LevelId, IReadOnlySet<string>? States,
        int? LeadsPerDay = null, long? BudgetCentsPerDay = null, bool Closed = false);

    public sealed record Outcome(int Start, IReadOnlyList<(Guid ProviderId, Guid LevelId)> Assignments);

    private readonly Dictionary<Guid, long> _balances = new();
    private readonly List<Level> _levels = [];
    private readonly List<Subscription> _subscriptions = [];
    private readonly Dictionary<Guid, long> _lastServed = new();   // subscription -> logical time; absent = never
    private readonly Dictionary<Guid, int> _pointers = new();
    private readonly Dictionary<Guid, (int Leads, long SpendCents)> _takenToday = new();   // subscription -> today's leads and spend
    private long _clock;

    public IReadOnlyDictionary<Guid, long> Balances => _balances;

    public void AddProvider(Guid providerId, long balanceCents) => _balances[providerId] = balanceCents;

    public void AddNiche(Guid nicheId, IEnumerable<Level> levels)
    {
        var list = levels.ToList();
        _levels.AddRange(list);
        var active = list.Where(l => l.IsActive).Select(l => l.Position).ToList();
        _pointers[nicheId] = active.Count > 0 ? active.Min() : list.Min(l => l.Position);
    }

    public void AddSubscription(Subscription subscription) => _subscriptions.Add(subscription);

    public Outcome Distribute(Guid nicheId, string state)
    {
        var active = _levels.Where(l => l.NicheId == nicheId && l.IsActive).OrderBy(l => l.Position).ToList();
        var pointer = _pointers[nicheId];
        if (active.Count == 0)
        {
            return new Outcome(pointer, []);
        }
        var startIndex = active.FindIndex(l => l.Position >= pointer);
        if (startIndex < 0)
        {
            startIndex = 0;
        }
        _pointers[nicheId] = active[(startIndex + 1) % active.Count].Position;

        var assigned = new List<(Guid, Guid)>();
        var providersWithLead = new HashSet<Guid>();
        // A distribution commits at one instant: everyone it serves shares one last-received time (ties then go by provider id).
        var servedAt = ++_clock;
        for (var i = 0; i < active.Count; i++)
        {
            var level = active[(startIndex + i) % active.Count];
            var candidates = _subscriptions
                .Where(s => s.LevelId == level.Id && (s.States is null || s.States.Contains(state)))
                .OrderBy(s => _lastServed.TryGetValue(s.Id, out var t) ? t : long.MinValue)
                .ThenBy(s => s.ProviderId.ToString(), StringComparer.Ordinal)
                .ThenBy(s => s.Id.ToString(), StringComparer.Ordinal);
            var taken = 0;
            foreach (var candidate in candidates)
            {
                if (taken == level.MaxRecipients)
                {
                    break;
                }
                if (providersWithLead.Contains(candidate.ProviderId) || _balances[candidate.ProviderId] < level.PriceCents || HeldBack(candidate, level.PriceCents))
                {
                    continue;
                }
                var today = _takenToday.GetValueOrDefault(candidate.Id);
                _takenToday[candidate.Id] = (today.Leads + 1, today.SpendCents + level.PriceCents);
                _balances[candidate.ProviderId] -= level.PriceCents;
                _lastServed[candidate.Id] = servedAt;
                providersWithLead.Add(candidate.ProviderId);
                assigned.Add((candidate.ProviderId, level.Id));
                taken++;
            }
        }
        return new Outcome(active[startIndex].Position, assigned);
    }

    private bool HeldBack(Subscription subscription, long priceCents)
    {
        var taken = _takenToday.GetValueOrDefault(subscription.Id);
        return subscription.Closed
            || taken.Leads + 1 > (subscription.LeadsPerDay ?? int.MaxValue)
            || taken.SpendCents + priceCents > (subscription.BudgetCentsPerDay ?? long.MaxValue);
    }
}
