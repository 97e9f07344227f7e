using LeadGrains.Abstractions.Leads;

namespace LeadGrains.Api.Leads;

/// <summary>The outcome of one import: counts, and every rejected row with its line and reason.</summary>
public sealed record LeadImportReport(int Accepted, int Duplicates, IReadOnlyList<LeadImportRejection> Rejected);

public sealed record LeadImportRejection(long Line, string Reason);

/// <summary>
/// Bulk intake of a leads CSV within one request (<see cref="LeadCsvRows"/>) through the same path as
/// a single submission — each row is a <see cref="ILeadGrain.Submit"/> — so validation and dedupe
/// are the same and re-importing a file is harmless. The file is streamed: only a bounded window of
/// rows is in flight, never the whole file in memory. A large file is better run as an import job
/// (<see cref="LeadImportJobEndpoints"/>), which answers at once and shows its progress.
/// </summary>
public sealed class LeadCsvImport(IGrainFactory grains)
{
    private const int RowsInFlight = 32;

    public async Task<LeadImportReport> Import(Stream csv, Guid workspaceId, CancellationToken cancellationToken)
    {
        var accepted = 0;
        var duplicates = 0;
        var rejected = new List<LeadImportRejection>();
        var inFlight = new List<Task<(long Line, SubmitResult? Result, string? Rejection)>>();

        await foreach (var row in LeadCsvRows.Read(csv, workspaceId, Guid.NewGuid(), cancellationToken))
        {
            inFlight.Add(Submit(row));
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
                if (result is not null && ImportedRowOutcome.IsAccepted(result))
                {
                    accepted++;
                }
                else if (result is not null && ImportedRowOutcome.IsKnown(result))
                {
                    duplicates++;
                }
                else
                {
                    rejected.Add(new LeadImportRejection(line, rejection ?? ImportedRowOutcome.Rejection(result!)));
                }
            }
        }
    }

    private async Task<(long Line, SubmitResult? Result, string? Rejection)> Submit(LeadCsvRow row)
    {
        if (row.Submission is null)
        {
            return (row.Line, null, row.Rejection);
        }
        using var nearItsNiche = NicheHint.For(row.Submission.NicheId);
        return (row.Line, await grains.GetGrain<ILeadGrain>(row.LeadId).Submit(row.Submission), null);
    }
}
