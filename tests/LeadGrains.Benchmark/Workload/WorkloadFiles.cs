using System.Globalization;

namespace LeadGrains.Benchmark.Workload;

public sealed record NicheCsv(Guid Id, string Name, Guid WorkspaceId);
public sealed record LevelCsv(Guid Id, Guid NicheId, string Name, int OrderPosition, int MaxRecipients, long PriceCents, bool IsActive);
public sealed record ProviderCsv(Guid Id, string Name, string Email, long BalanceCents);
public sealed record SubscriptionCsv(Guid Id, Guid ProviderId, Guid LevelId, string[] States);
public sealed record LeadCsv(Guid Id, Guid NicheId, Guid WorkspaceId, string State, string Email, string Phone, string FirstName, string LastName);

/// <summary>
/// The five CSVs of a workload (<see cref="LeadGrains.Workload.WorkloadGenerator"/>). The generator
/// never quotes a field (no value holds a comma), so a plain split reads them.
/// </summary>
public sealed record WorkloadFiles(
    IReadOnlyList<NicheCsv> Niches,
    IReadOnlyList<LevelCsv> Levels,
    IReadOnlyList<ProviderCsv> Providers,
    IReadOnlyList<SubscriptionCsv> Subscriptions,
    IReadOnlyList<LeadCsv> Leads)
{
    public static WorkloadFiles Read(string directory, int? leadLimit)
    {
        var leads = Rows(directory, "leads.csv", 8, r => new LeadCsv(G(r[0]), G(r[1]), G(r[2]), r[3], r[4], r[5], r[6], r[7]));
        return new WorkloadFiles(
            Rows(directory, "niches.csv", 3, r => new NicheCsv(G(r[0]), r[1], G(r[2]))).ToList(),
            Rows(directory, "levels.csv", 7, r => new LevelCsv(G(r[0]), G(r[1]), r[2], I(r[3]), I(r[4]), long.Parse(r[5], CultureInfo.InvariantCulture), r[6] == "true")).ToList(),
            Rows(directory, "providers.csv", 4, r => new ProviderCsv(G(r[0]), r[1], r[2], long.Parse(r[3], CultureInfo.InvariantCulture))).ToList(),
            Rows(directory, "subscriptions.csv", 4, r => new SubscriptionCsv(G(r[0]), G(r[1]), G(r[2]), r[3].Split('|', StringSplitOptions.RemoveEmptyEntries))).ToList(),
            (leadLimit is { } n ? leads.Take(n) : leads).ToList());
    }

    private static IEnumerable<T> Rows<T>(string directory, string file, int columns, Func<string[], T> map)
    {
        var path = Path.Combine(directory, file);
        using var reader = new StreamReader(path);
        reader.ReadLine(); // header
        var line = 1;
        while (reader.ReadLine() is { } text)
        {
            line++;
            if (text.Length == 0)
            {
                continue;
            }
            var fields = text.Split(',');
            if (fields.Length != columns)
            {
                throw new InvalidDataException($"{path}:{line}: expected {columns} fields, found {fields.Length}");
            }
            yield return map(fields);
        }
    }

    private static Guid G(string s) => Guid.Parse(s);
    private static int I(string s) => int.Parse(s, CultureInfo.InvariantCulture);
}
