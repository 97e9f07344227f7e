using LeadGrains.Abstractions.Returns;
using Orleans.TestingHost;

namespace LeadGrains.Cluster.Tests.Infrastructure;

/// <summary>The engine's cluster with virtual business time, so return windows and rate periods pass without waiting.</summary>
public sealed class ReturnsClusterFixture : ClusterFixture
{
    protected override void Configure(TestClusterBuilder builder)
    {
        builder.Properties[VirtualTime.SettingKey] = "true";
        builder.Properties[VirtualTime.StartKey] = DateTimeOffset.UtcNow.ToString("O");
    }
}

/// <summary>Return scenarios: a lead bought, then returned.</summary>
public static class ReturnScenarios
{
    public const string Reason = "wrong_contact";

    /// <summary>A provider that bought one lead of a one-level niche at <paramref name="priceCents"/>; its assignment.</summary>
    public static async Task<(Guid Provider, Guid Assignment, Scenario.Level Level)> Bought(Scenario s, long balanceCents, long priceCents = 2_500)
    {
        var level = new Scenario.Level(1, 1, priceCents);
        var niche = await s.Niche(level);
        var provider = await s.Provider(balanceCents);
        await s.Subscribe(niche, provider, 1);
        var result = (await s.Distribute(await s.Lead(niche))).Result!;
        return (provider, Assert.Single(result.Assignments).AssignmentId, level);
    }

    public static ReturnRequestCommand Request(Guid assignment, string reason = Reason) => new(assignment, reason, "the phone number is not in service", "provider:test");

    public static ReturnDecisionCommand Approve(Guid returnId, string actor = "admin:alice") => new(returnId, true, "checked the number", actor);

    public static ReturnDecisionCommand Reject(Guid returnId) => new(returnId, false, "the lead answered our call", "admin:alice");

    /// <summary>Auto-approval on, at most <paramref name="maxReturns"/> returns per provider per 30 days and at most <paramref name="maxRatePercent"/> % of its assignments.</summary>
    public static ReturnPolicy AutoApproving(int maxReturns, int maxRatePercent = 100) =>
        new(72, ["wrong_contact", "duplicate"], true, maxReturns, maxRatePercent, 30 * 24);
}
