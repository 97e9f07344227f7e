namespace LeadGrains.Grains.Distribution;

/// <summary>The plans as the parallel arrays <c>distribute_leads</c> takes (1-based indexes).</summary>
internal sealed class DistributionPlanArrays
{
    private readonly List<Guid> _leadIds = [], _nicheIds = [], _runIds = [], _levelIds = [], _subscriptions = [], _providers = [];
    private readonly List<string> _actors = [];
    private readonly List<DateTimeOffset> _servedAt = [];
    private readonly List<int> _elapsedMs = [], _expectedPointers = [], _starts = [], _nextPointers = [], _firstSlots = [], _slotCounts = [];
    private readonly List<int> _positions = [], _maxRecipients = [], _firstCandidates = [], _candidateCounts = [];
    private readonly List<long> _prices = [];
    private readonly List<bool> _truncated = [], _eligibilityErrors = [];

    public void Add(DistributionPlan plan, long elapsedMs)
    {
        _leadIds.Add(plan.LeadId);
        _nicheIds.Add(plan.NicheId);
        _runIds.Add(plan.RunId);
        _actors.Add(plan.Actor);
        _servedAt.Add(plan.ServedAt);
        _elapsedMs.Add((int)Math.Min(int.MaxValue, elapsedMs));
        _expectedPointers.Add(plan.ExpectedPointer);
        _starts.Add(plan.StartLevelOrderPosition);
        _nextPointers.Add(plan.NextPointer);
        _firstSlots.Add(_levelIds.Count + 1);
        _slotCounts.Add(plan.Levels.Count);
        foreach (var level in plan.Levels)
        {
            _levelIds.Add(level.LevelId);
            _positions.Add(level.OrderPosition);
            _maxRecipients.Add(level.MaxRecipients);
            _prices.Add(level.PriceCents);
            _truncated.Add(level.Truncated);
            _firstCandidates.Add(_subscriptions.Count + 1);
            _candidateCounts.Add(level.Candidates.Count);
            foreach (var candidate in level.Candidates)
            {
                _subscriptions.Add(candidate.SubscriptionId);
                _providers.Add(candidate.ProviderId);
                _eligibilityErrors.Add(candidate.EligibilityError);
            }
        }
    }

    public Guid[] LeadIds => [.. _leadIds];
    public Guid[] NicheIds => [.. _nicheIds];
    public Guid[] RunIds => [.. _runIds];
    public string[] Actors => [.. _actors];
    public DateTimeOffset[] ServedAt => [.. _servedAt];
    public int[] ElapsedMs => [.. _elapsedMs];
    public int[] ExpectedPointers => [.. _expectedPointers];
    public int[] Starts => [.. _starts];
    public int[] NextPointers => [.. _nextPointers];
    public int[] FirstSlots => [.. _firstSlots];
    public int[] SlotCounts => [.. _slotCounts];
    public Guid[] LevelIds => [.. _levelIds];
    public int[] Positions => [.. _positions];
    public int[] MaxRecipients => [.. _maxRecipients];
    public long[] Prices => [.. _prices];
    public bool[] Truncated => [.. _truncated];
    public int[] FirstCandidates => [.. _firstCandidates];
    public int[] CandidateCounts => [.. _candidateCounts];
    public Guid[] Subscriptions => [.. _subscriptions];
    public Guid[] Providers => [.. _providers];
    public bool[] EligibilityErrors => [.. _eligibilityErrors];
}
