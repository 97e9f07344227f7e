namespace LeadGrains.Domain.Distribution;

/// <summary>A subscription that may receive the lead, in its level's least-recently-served order.</summary>
/// <param name="EligibilityError">Its filter threw on this lead: it is skipped as <c>eligibility_error</c>.</param>
/// <param name="HeldBack">Why its caps, budget or delivery hours keep the lead from it (a <see cref="SkipReasons"/> value), or null.</param>
public sealed record Candidate(Guid SubscriptionId, Guid ProviderId, bool EligibilityError, string? HeldBack = null);

/// <summary>One level of the traversal and its eligible candidates, least recently served first.</summary>
/// <param name="Candidates">Enumerated lazily: the decision stops reading once the level is full.</param>
public sealed record LevelToFill(Guid LevelId, int OrderPosition, int MaxRecipients, long PriceCents, IEnumerable<Candidate> Candidates);

/// <summary>A provider chosen for the lead: the assignment is its charge of <paramref name="PriceCents"/>.</summary>
public sealed record DecidedAssignment(Guid SubscriptionId, Guid ProviderId, Guid LevelId, long PriceCents);

/// <summary>A candidate passed over, and why (<see cref="SkipReasons"/>).</summary>
public sealed record DecidedSkip(Guid ProviderId, Guid SubscriptionId, string Reason);

/// <summary>The whole distribution of one lead, as decided in memory.</summary>
public sealed record DistributionDecision(
    IReadOnlyList<DecidedAssignment> Assignments,
    IReadOnlyList<DecidedSkip> Skipped,
    DistributionOutcome Outcome)
{
    /// <summary>Providers skipped for their balance: their subscriptions above it are to be paused.</summary>
    public IReadOnlyList<Guid> ShortProviders => [.. Skipped.Where(s => s.Reason == SkipReasons.InsufficientBalance).Select(s => s.ProviderId)];

    /// <summary>
    /// Rules 2, 3 and 5 for one lead, given its traversal: per level, the candidates in
    /// least-recently-served order up to the level's <c>max_recipients</c>; a provider already
    /// receiving the lead at an earlier level is passed over (cross-level dedupe); one whose
    /// balance does not cover the level's price is skipped as <c>insufficient_balance</c> and the
    /// next one is taken; a filter that threw is skipped as <c>eligibility_error</c>, one held back by
    /// its caps, budget or delivery hours with that reason (overflow: the next one is taken, and the
    /// skipped one keeps its place in the order). Success when
    /// every level found someone, partial when some did, no_eligible when none did.
    /// </summary>
    /// <param name="balanceOf">What the provider can spend now.</param>
    public static DistributionDecision Decide(IReadOnlyList<LevelToFill> traversal, Func<Guid, long> balanceOf)
    {
        var assignments = new List<DecidedAssignment>();
        var skipped = new List<DecidedSkip>();
        var receiving = new HashSet<Guid>();
        var levelsServed = 0;
        foreach (var level in traversal)
        {
            var taken = 0;
            using var candidates = level.Candidates.GetEnumerator();
            while (taken < level.MaxRecipients && candidates.MoveNext())
            {
                var candidate = candidates.Current;
                if (receiving.Contains(candidate.ProviderId))
                {
                    continue;
                }
                if (candidate.EligibilityError)
                {
                    skipped.Add(new DecidedSkip(candidate.ProviderId, candidate.SubscriptionId, SkipReasons.EligibilityError));
                }
                else if (candidate.HeldBack is { } reason)
                {
                    skipped.Add(new DecidedSkip(candidate.ProviderId, candidate.SubscriptionId, reason));
                }
                else if (balanceOf(candidate.ProviderId) < level.PriceCents)
                {
                    skipped.Add(new DecidedSkip(candidate.ProviderId, candidate.SubscriptionId, SkipReasons.InsufficientBalance));
                }
                else
                {
                    assignments.Add(new DecidedAssignment(candidate.SubscriptionId, candidate.ProviderId, level.LevelId, level.PriceCents));
                    receiving.Add(candidate.ProviderId);
                    taken++;
                }
            }
            levelsServed += taken > 0 ? 1 : 0;
        }
        var outcome = levelsServed == 0 ? DistributionOutcome.NoEligible
            : levelsServed == traversal.Count ? DistributionOutcome.Success
            : DistributionOutcome.Partial;
        return new DistributionDecision(assignments, skipped, outcome);
    }
}
