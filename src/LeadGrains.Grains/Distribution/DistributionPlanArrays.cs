namespace LeadGrains.Grains.Distribution;

/// <summary>
/// Plans as the parallel arrays <c>distribute_leads</c> takes: one entry per lead, per traversal
/// slot (a plan's levels, in order) and per candidate, with 1-based indexes linking them.
/// </summary>
internal sealed record DistributionPlanArrays(
    Guid[] LeadIds, Guid[] NicheIds, Guid[] RunIds, string[] Actors, DateTimeOffset[] ServedAt, int[] ElapsedMs,
    int[] ExpectedPointers, int[] Starts, int[] NextPointers, int[] FirstSlots, int[] SlotCounts,
    Guid[] LevelIds, int[] Positions, int[] MaxRecipients, long[] Prices, bool[] Truncated, int[] FirstCandidates, int[] CandidateCounts,
    Guid[] Subscriptions, Guid[] Providers, bool[] EligibilityErrors)
{
    public static DistributionPlanArrays From(IReadOnlyList<(DistributionPlan Plan, long ElapsedMs)> plans)
    {
        var leads = plans.Select(p => p.Plan).ToList();
        var slots = leads.SelectMany(p => p.Levels).ToList();
        var candidates = slots.SelectMany(l => l.Candidates).ToList();
        return new DistributionPlanArrays(
            [.. leads.Select(p => p.LeadId)], [.. leads.Select(p => p.NicheId)], [.. leads.Select(p => p.RunId)],
            [.. leads.Select(p => p.Actor)], [.. leads.Select(p => p.ServedAt)],
            [.. plans.Select(p => (int)Math.Min(int.MaxValue, p.ElapsedMs))],
            [.. leads.Select(p => p.ExpectedPointer)], [.. leads.Select(p => p.StartLevelOrderPosition)], [.. leads.Select(p => p.NextPointer)],
            FirstIndexes(leads.Select(p => p.Levels.Count)), [.. leads.Select(p => p.Levels.Count)],
            [.. slots.Select(l => l.LevelId)], [.. slots.Select(l => l.OrderPosition)], [.. slots.Select(l => l.MaxRecipients)],
            [.. slots.Select(l => l.PriceCents)], [.. slots.Select(l => l.Truncated)],
            FirstIndexes(slots.Select(l => l.Candidates.Count)), [.. slots.Select(l => l.Candidates.Count)],
            [.. candidates.Select(c => c.SubscriptionId)], [.. candidates.Select(c => c.ProviderId)], [.. candidates.Select(c => c.EligibilityError)]);
    }

    /// <summary>Where each group starts in the flattened array that follows, 1-based, given the groups' sizes.</summary>
    private static int[] FirstIndexes(IEnumerable<int> counts)
    {
        var firsts = new List<int>();
        var first = 1;
        foreach (var count in counts)
        {
            firsts.Add(first);
            first += count;
        }
        return [.. firsts];
    }
}
