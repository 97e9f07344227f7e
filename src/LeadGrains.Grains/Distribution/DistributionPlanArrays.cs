using System.Text.Json;
using LeadGrains.Abstractions.Leads;

namespace LeadGrains.Grains.Distribution;

/// <summary>
/// Plans as the parallel arrays <c>record_distributions</c> takes: one entry per lead and one per
/// assignment, a lead's assignments found by its first index (1-based) and count.
/// </summary>
internal sealed record DistributionPlanArrays(
    Guid[] LeadIds, Guid[] NicheIds, Guid[] RunIds, string[] Actors, DateTimeOffset[] ServedAt, int[] ElapsedMs,
    long[] Versions, int[] Starts, int[] NextPointers, string[] Statuses, string[] LeadStatuses,
    string[] Traversals, string[] SkippedLists, int[] FirstAssignments, int[] AssignmentCounts,
    Guid[] AssignmentIds, Guid[] Providers, Guid[] Subscriptions, Guid[] Levels, long[] Prices,
    Guid[] ShortProviders)
{
    public static DistributionPlanArrays From(IReadOnlyList<(DistributionPlan Plan, long ElapsedMs)> plans)
    {
        var leads = plans.Select(p => p.Plan).ToList();
        var assignments = leads.SelectMany(p => p.Assignments).ToList();
        var firsts = new int[leads.Count];
        for (int i = 0, first = 1; i < leads.Count; first += leads[i].Assignments.Count, i++)
        {
            firsts[i] = first;
        }
        return new DistributionPlanArrays(
            [.. leads.Select(p => p.LeadId)], [.. leads.Select(p => p.NicheId)], [.. leads.Select(p => p.RunId)],
            [.. leads.Select(p => p.Actor)], [.. leads.Select(p => p.ServedAt)],
            [.. plans.Select(p => (int)Math.Min(int.MaxValue, p.ElapsedMs))],
            [.. leads.Select(p => p.Version)], [.. leads.Select(p => p.StartLevelOrderPosition)], [.. leads.Select(p => p.NextPointer)],
            [.. leads.Select(p => p.Status)], [.. leads.Select(p => LeadStatus.AfterDistribution(p.Assignments.Count))],
            [.. leads.Select(p => JsonSerializer.Serialize(p.Traversal, DistributionStore.Json))],
            [.. leads.Select(p => JsonSerializer.Serialize(p.Skipped, DistributionStore.Json))],
            firsts, [.. leads.Select(p => p.Assignments.Count)],
            [.. assignments.Select(a => a.AssignmentId)], [.. assignments.Select(a => a.ProviderId)], [.. assignments.Select(a => a.SubscriptionId)],
            [.. assignments.Select(a => a.LevelId)], [.. assignments.Select(a => a.PriceCents)],
            [.. leads.SelectMany(p => p.ShortProviders).Distinct()]);
    }
}
