using LeadGrains.Abstractions.Niches;
using LeadGrains.Abstractions.Providers;
using LeadGrains.Abstractions.Returns;
using LeadGrains.Cluster.Tests.Infrastructure;

namespace LeadGrains.Cluster.Tests.Distribution;

/// <summary>
/// Seeded random small workloads (niches, levels, providers, balances, state filters, daily caps and
/// budgets, delivery hours, leads, and returns approved between leads), each distributed through the
/// cluster and through <see cref="ReferenceModel"/>: every lead's start level and assignments, and
/// every final balance, must agree; I1-I6, I8 and the refund invariants must hold after every
/// workload. Virtual time keeps every workload within one day (a Wednesday, UTC).
/// </summary>
public sealed class ReferenceModelPropertyTests(VirtualTimeClusterFixture fixture) : IClassFixture<VirtualTimeClusterFixture>
{
    private static readonly string[] States = ["TX", "CA", "NY"];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    public async Task The_cluster_distributes_exactly_as_the_reference_model(int seed)
    {
        var random = new Random(seed);
        // Refunds draw from their own stream, so the workloads stay those the seeds always made.
        var refunds = new Random(seed + 1_000);
        var s = await Scenario.Start(fixture.Grains);
        var model = new ReferenceModel();

        var providers = new List<Guid>();
        for (var i = 0; i < random.Next(3, 9); i++)
        {
            var balance = random.Next(0, 31) * 100L;
            var provider = await s.Provider(balance);
            model.AddProvider(provider, balance);
            providers.Add(provider);
        }

        var niches = new List<NicheView>();
        for (var n = 0; n < random.Next(1, 4); n++)
        {
            var levelCount = random.Next(1, 4);
            var levels = Enumerable.Range(1, levelCount)
                .Select(p => new Scenario.Level(p, random.Next(1, 4), random.Next(1, 11) * 100L, IsActive: random.NextDouble() > 0.2))
                .ToArray();
            var niche = await s.Niche(levels);
            niches.Add(niche);
            model.AddNiche(niche.NicheId, niche.Levels.Select(l => new ReferenceModel.Level(l.LevelId, niche.NicheId, l.OrderPosition, l.MaxRecipients, l.PriceCents, l.IsActive)));
            foreach (var level in niche.Levels)
            {
                foreach (var provider in providers.Where(_ => random.NextDouble() < 0.5))
                {
                    var states = random.NextDouble() < 0.4 ? States.Where(_ => random.NextDouble() < 0.5).DefaultIfEmpty("TX").ToArray() : null;
                    var subscription = await s.Subscribe(niche, provider, level.OrderPosition, new SubscriptionFilters { States = states });
                    int? leadsPerDay = random.NextDouble() < 0.3 ? random.Next(1, 3) : null;
                    long? budgetPerDay = random.NextDouble() < 0.2 ? random.Next(1, 16) * 100L : null;
                    var closed = random.NextDouble() < 0.1;
                    if (leadsPerDay is not null || budgetPerDay is not null || closed)
                    {
                        // Closed: open on Saturdays only, and the run is on a Wednesday.
                        await s.Controls(niche, subscription.SubscriptionId, new SubscriptionCapsSpec(LeadsPerDay: leadsPerDay, BudgetCentsPerDay: budgetPerDay),
                            closed ? [new DeliveryWindowSpec("saturday", "00:00", "24:00")] : null);
                    }
                    model.AddSubscription(new ReferenceModel.Subscription(subscription.SubscriptionId, provider, level.LevelId, states?.ToHashSet(),
                        leadsPerDay, budgetPerDay, closed));
                }
            }
        }

        var leads = new List<Guid>();
        for (var i = 0; i < random.Next(10, 31); i++)
        {
            var niche = niches[random.Next(niches.Count)];
            var state = States[random.Next(States.Length)];
            var lead = await s.Lead(niche, state: state);
            leads.Add(lead);

            var actual = (await s.Distribute(lead)).Result!;
            var expected = model.Distribute(niche.NicheId, state);

            Assert.Equal(expected.Start, actual.StartLevelOrderPosition);
            Assert.Equal(
                expected.Assignments.OrderBy(a => a.ProviderId).ThenBy(a => a.LevelId),
                actual.Assignments.Select(a => (a.ProviderId, a.LevelId)).OrderBy(a => a.ProviderId).ThenBy(a => a.LevelId));

            if (actual.Assignments.Count > 0 && refunds.NextDouble() < 0.3)
            {
                var returned = actual.Assignments[refunds.Next(actual.Assignments.Count)];
                var provider = fixture.Grains.GetGrain<IProviderGrain>(returned.ProviderId);
                var request = await provider.RequestReturn(new ReturnRequestCommand(returned.AssignmentId, "wrong_contact", null, "provider:model"));
                var decision = await provider.DecideReturn(new ReturnDecisionCommand(request.Return!.ReturnId, true, null, "admin:model"));
                Assert.Equal(ReturnDecisionOutcome.Approved, decision.Outcome);
                model.Refund(returned.ProviderId, returned.PriceCents);
            }
        }

        foreach (var provider in providers)
        {
            Assert.Equal(model.Balances[provider], await s.Balance(provider));
        }
        await fixture.AssertInvariantsHold();
        await DistributionInvariants.AssertNoLeadLeftApproved(fixture.Db, leads);
        foreach (var niche in niches.Where(n => n.Levels.Any(l => l.IsActive)))
        {
            await DistributionInvariants.AssertRotationCycles(fixture.Db, niche.NicheId);
        }
    }
}
