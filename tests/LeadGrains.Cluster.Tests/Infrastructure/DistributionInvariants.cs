using Dapper;
using Npgsql;

namespace LeadGrains.Cluster.Tests.Infrastructure;

/// <summary>The lifecycle and fairness invariants I5 and I6, checked from the database after a run.</summary>
public static class DistributionInvariants
{
    /// <summary>I5: no approved lead is left behind once every distribution has returned.</summary>
    public static async Task AssertNoLeadLeftApproved(NpgsqlDataSource db, IEnumerable<Guid> leadIds)
    {
        await using var connection = await db.OpenConnectionAsync();
        var stuck = await connection.QueryAsync<Guid>(
            "SELECT id FROM leads WHERE id = ANY(@ids) AND status NOT IN ('distributed', 'no_eligible', 'failed', 'expired')",
            new { ids = leadIds.ToArray() });
        Assert.Empty(stuck);
    }

    /// <summary>
    /// I6: in the order the niche committed them, its leads' distributions start at successive active
    /// levels, one step per lead, wrapping (for niches whose levels did not change during the run).
    /// Failed attempts wrote nothing but their record, and take no step.
    /// </summary>
    public static async Task AssertRotationCycles(NpgsqlDataSource db, Guid nicheId)
    {
        await using var connection = await db.OpenConnectionAsync();
        var active = (await connection.QueryAsync<int>(
            "SELECT order_position FROM competition_levels WHERE niche_id = @nicheId AND is_active ORDER BY 1", new { nicheId })).ToList();
        var starts = (await connection.QueryAsync<int>(
            "SELECT start_level_order_position FROM distribution_runs WHERE niche_id = @nicheId AND status <> 'failed' ORDER BY seq",
            new { nicheId })).ToList();
        for (var i = 1; i < starts.Count; i++)
        {
            var expected = active[(active.IndexOf(starts[i - 1]) + 1) % active.Count];
            Assert.True(expected == starts[i], $"Niche {nicheId}: lead #{i} started at {starts[i]}, expected {expected} after {starts[i - 1]}");
        }
    }
}
