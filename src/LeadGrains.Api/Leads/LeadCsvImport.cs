using System.Globalization;
using CsvHelper;
using CsvHelper.Configuration;
using LeadGrains.Abstractions.Leads;
using LeadGrains.Domain.Leads;

namespace LeadGrains.Api.Leads;

/// <summary>The outcome of one import: counts, and every rejected row with its line and reason.</summary>
public sealed record LeadImportReport(int Accepted, int Duplicates, IReadOnlyList<LeadImportRejection> Rejected);

public sealed record LeadImportRejection(long Line, string Reason);

/// <summary>
/// Bulk intake of leads.csv rows (the columns of a generated workload) through the same path as a
/// single submission — each row is a <see cref="ILeadGrain.Submit"/> of the lead its lead_id names in
/// this workspace (<see cref="LeadIds.ForImportedRow"/>: the file's id is never stored as it is), so
/// validation and dedupe are the same and re-importing a file is harmless. The file is streamed:
/// only a bounded window of rows is in flight, never the whole file in memory.
/// </summary>
public sealed class LeadCsvImport(IGrainFactory grains)
{
    public static readonly string[] Columns = ["lead_id", "niche_id", "workspace_id", "state", "email", "phone", "first_name", "last_name"];

    private const int RowsInFlight = 32;

    public async Task<LeadImportReport> Import(Stream csv, Guid workspaceId, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(csv);
        using var parser = new CsvReader(reader, new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            MissingFieldFound = null,
            BadDataFound = null,
            DetectColumnCountChanges = false,
        });
        var accepted = 0;
        var duplicates = 0;
        var rejected = new List<LeadImportRejection>();
        var inFlight = new List<Task<(long Line, SubmitResult? Result, string? Rejection)>>();

        if (!await parser.ReadAsync() || !parser.ReadHeader() || !Columns.All(c => parser.HeaderRecord!.Contains(c)))
        {
            return new LeadImportReport(0, 0, [new LeadImportRejection(1, "the header must name the columns " + string.Join(",", Columns))]);
        }
        while (await parser.ReadAsync())
        {
            cancellationToken.ThrowIfCancellationRequested();
            inFlight.Add(SubmitRow(parser.Parser.RawRow, parser.Parser.Record ?? [], parser.HeaderRecord!, workspaceId));
            if (inFlight.Count >= RowsInFlight)
            {
                Tally(await Task.WhenAll(inFlight));
                inFlight.Clear();
            }
        }
        Tally(await Task.WhenAll(inFlight));
        return new LeadImportReport(accepted, duplicates, rejected.OrderBy(r => r.Line).ToList());

        void Tally(IEnumerable<(long Line, SubmitResult? Result, string? Rejection)> rows)
        {
            foreach (var (line, result, rejection) in rows)
            {
                switch (result?.Outcome)
                {
                    case SubmitOutcome.Accepted:
                        accepted++;
                        break;
                    case SubmitOutcome.Duplicate or SubmitOutcome.AlreadySubmitted:
                        duplicates++;
                        break;
                    default:
                        rejected.Add(new LeadImportRejection(line, rejection ?? Describe(result!)));
                        break;
                }
            }
        }
    }

    private async Task<(long Line, SubmitResult? Result, string? Rejection)> SubmitRow(long line, string[] fields, string[] header, Guid workspaceId)
    {
        if (fields.Length != header.Length)
        {
            return (line, null, $"expected {header.Length} fields, found {fields.Length}");
        }
        string Field(string name) => fields[Array.IndexOf(header, name)].Trim();
        if (!Guid.TryParse(Field("lead_id"), out var rowLeadId))
        {
            return (line, null, "lead_id is not a UUID");
        }
        if (!Guid.TryParse(Field("niche_id"), out var nicheId))
        {
            return (line, null, "niche_id is not a UUID");
        }
        if (!Guid.TryParse(Field("workspace_id"), out var rowWorkspace) || rowWorkspace != workspaceId)
        {
            return (line, null, "workspace_id is not this workspace");
        }
        var leadId = LeadIds.ForImportedRow(workspaceId, rowLeadId);
        using var nearItsNiche = NicheHint.For(nicheId);
        var result = await grains.GetGrain<ILeadGrain>(leadId).Submit(new LeadSubmission(workspaceId, nicheId,
            new LeadContact(Field("first_name"), Field("last_name"), Field("email"), Field("phone")),
            new LeadAttributes(Field("state"), null, null, new Dictionary<string, string>())));
        return (line, result, null);
    }

    private static string Describe(SubmitResult result) =>
        string.Join("; ", result.Errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}"));
}
