using LeadGrains.Abstractions.Distribution;
using LeadGrains.Abstractions.Niches;

namespace LeadGrains.SampleApprovalClient;

/// <summary>Prints a distribution result. It holds ids and money only, never the lead's contact data.</summary>
internal static class DistributionReport
{
    public static void Print(DistributionResult result, NicheView niche)
    {
        var levels = niche.Levels.ToDictionary(l => l.LevelId);
        string Level(Guid levelId) => levels.TryGetValue(levelId, out var l) ? $"level {l.OrderPosition} {l.Name}" : $"level {levelId}";

        Console.WriteLine($"Distribution of lead {result.LeadId}: {result.Status} (attempt {result.Attempt}, {result.DurationMs} ms)");
        Console.WriteLine($"  start level {result.StartLevelOrderPosition}, traversal {string.Join(" -> ", result.Traversal)}");
        Console.WriteLine($"  assignments: {result.Assignments.Count}, charged {Money.Format(result.Assignments.Sum(a => a.PriceCents))}");
        foreach (var a in result.Assignments)
        {
            Console.WriteLine($"    provider {a.ProviderId}  {Level(a.LevelId)}  {Money.Format(a.PriceCents)}");
        }
        Console.WriteLine($"  skipped: {result.Skipped.Count}");
        foreach (var s in result.Skipped)
        {
            Console.WriteLine($"    provider {s.ProviderId}  {s.Reason}");
        }
    }
}
