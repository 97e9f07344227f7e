using LeadGrains.Abstractions.Distribution;
using LeadGrains.Abstractions.Niches;
using LeadGrains.Grains.Distribution;
using Npgsql;

namespace LeadGrains.Cluster.Tests.Infrastructure;

/// <summary>
/// Sends decided distributions straight to the database, as a stale or duplicate niche activation
/// would during a membership change: whatever it believes, only the database's guards stand between
/// it and the money.
/// </summary>
public sealed class StaleWriter(NpgsqlDataSource db)
{
    public sealed record Charge(Guid ProviderId, Guid SubscriptionId, Guid LevelId, long PriceCents);

    /// <summary>A plan for <paramref name="leadId"/> made on niche version <paramref name="version"/>, starting at <paramref name="start"/>.</summary>
    public static DistributionPlan Plan(Guid leadId, NicheView niche, long version, int start, int nextPointer, params Charge[] charges) => new(
        leadId, niche.NicheId, Guid.CreateVersion7(), "stale-writer", DateTimeOffset.UtcNow, version, start, nextPointer, [start],
        charges.Select(c => new AssignmentRecord(Guid.CreateVersion7(), c.ProviderId, c.SubscriptionId, c.LevelId, c.PriceCents)).ToList(),
        [], charges.Length > 0 ? "success" : "no_eligible", []);

    /// <summary>Records the plan on a thread of its own, so that several writers run at once.</summary>
    public Task<DistributionStore.RecordedRow> Record(DistributionPlan plan) =>
        Task.Run(() =>
        {
            using var connection = db.OpenConnection();
            return DistributionStore.Record(connection, [(plan, 0)], () => { }).Single();
        });
}
