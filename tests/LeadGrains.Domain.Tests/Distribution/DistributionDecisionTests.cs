using LeadGrains.Domain.Distribution;

namespace LeadGrains.Domain.Tests.Distribution;

public sealed class DistributionDecisionTests
{
    private static readonly Guid Exclusive = Guid.NewGuid();
    private static readonly Guid Shared = Guid.NewGuid();

    private static Candidate Candidate(Guid provider, bool error = false) => new(Guid.NewGuid(), provider, error);

    private static LevelToFill Level(Guid id, int position, int max, long price, params Candidate[] candidates) =>
        new(id, position, max, price, candidates);

    private static Func<Guid, long> Balances(Dictionary<Guid, long> balances) => p => balances.GetValueOrDefault(p);

    [Fact]
    public void A_level_takes_the_first_candidates_in_its_order_up_to_its_max_recipients()
    {
        var providers = Enumerable.Range(0, 5).Select(_ => Guid.NewGuid()).ToList();
        var level = Level(Shared, 1, 3, 100, [.. providers.Select(p => Candidate(p))]);

        var decision = DistributionDecision.Decide([level], _ => 1_000);

        Assert.Equal(providers.Take(3), decision.Assignments.Select(a => a.ProviderId));
        Assert.All(decision.Assignments, a => Assert.Equal((Shared, 100L), (a.LevelId, a.PriceCents)));
        Assert.Equal(DistributionOutcome.Success, decision.Outcome);
        Assert.Empty(decision.Skipped);
    }

    [Fact]
    public void A_candidate_who_cannot_pay_is_skipped_and_the_next_one_taken()
    {
        var (poor, rich) = (Guid.NewGuid(), Guid.NewGuid());
        var decision = DistributionDecision.Decide(
            [Level(Exclusive, 1, 1, 4_900, Candidate(poor), Candidate(rich))],
            Balances(new() { [poor] = 4_899, [rich] = 4_900 }));

        Assert.Equal(rich, Assert.Single(decision.Assignments).ProviderId);
        Assert.Equal((poor, SkipReasons.InsufficientBalance), (decision.Skipped[0].ProviderId, decision.Skipped[0].Reason));
        Assert.Equal([poor], decision.ShortProviders);
    }

    [Fact]
    public void A_filter_that_threw_is_skipped_as_an_eligibility_error()
    {
        var (broken, fine) = (Guid.NewGuid(), Guid.NewGuid());
        var decision = DistributionDecision.Decide([Level(Shared, 1, 1, 100, Candidate(broken, error: true), Candidate(fine))], _ => 1_000);

        Assert.Equal(fine, Assert.Single(decision.Assignments).ProviderId);
        Assert.Equal(SkipReasons.EligibilityError, Assert.Single(decision.Skipped).Reason);
        Assert.Empty(decision.ShortProviders);
    }

    [Fact]
    public void A_provider_receiving_the_lead_at_an_earlier_level_is_passed_over_silently()
    {
        var (both, other) = (Guid.NewGuid(), Guid.NewGuid());
        var decision = DistributionDecision.Decide(
            [Level(Exclusive, 1, 1, 500, Candidate(both)), Level(Shared, 2, 1, 100, Candidate(both), Candidate(other))], _ => 1_000);

        Assert.Equal([(both, Exclusive), (other, Shared)], decision.Assignments.Select(a => (a.ProviderId, a.LevelId)));
        Assert.Empty(decision.Skipped);
    }

    [Fact]
    public void A_provider_too_poor_for_one_level_may_still_be_taken_at_a_cheaper_one()
    {
        var provider = Guid.NewGuid();
        var decision = DistributionDecision.Decide(
            [Level(Exclusive, 1, 1, 4_900, Candidate(provider)), Level(Shared, 2, 1, 1_000, Candidate(provider))],
            Balances(new() { [provider] = 3_000 }));

        Assert.Equal(Shared, Assert.Single(decision.Assignments).LevelId);
        Assert.Equal(DistributionOutcome.Partial, decision.Outcome);
    }

    [Fact]
    public void Nobody_to_take_the_lead_is_no_eligible_and_no_levels_at_all_too()
    {
        Assert.Equal(DistributionOutcome.NoEligible, DistributionDecision.Decide([Level(Shared, 1, 3, 100)], _ => 0).Outcome);
        Assert.Equal(DistributionOutcome.NoEligible, DistributionDecision.Decide([], _ => 0).Outcome);
    }

    [Fact]
    public void Candidates_are_read_only_until_the_level_is_full()
    {
        var read = 0;
        IEnumerable<Candidate> Endless()
        {
            while (true)
            {
                read++;
                yield return Candidate(Guid.NewGuid());
            }
        }

        var decision = DistributionDecision.Decide([new LevelToFill(Shared, 1, 5, 100, Endless())], _ => 1_000);

        Assert.Equal(5, decision.Assignments.Count);
        Assert.Equal(5, read);
    }
}
