using LeadGrains.Abstractions.Leads;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LeadGrains.Grains.Leads;

/// <summary>
/// Runs one import: submits its stored rows in line order, a window at a time, through the lead
/// grains (the same path as a single submission), and records each batch's counts and rejections as
/// it goes. Submitting returns nothing to wait for, so <see cref="Start"/> answers at once and the
/// work runs in the background of this activation. A reminder re-activates the import after a silo
/// failure; a batch submitted but not recorded is submitted again, and its rows then count as leads
/// the import already knew.
/// </summary>
public sealed class LeadImportGrain(
    LeadImportStore store,
    [FromKeyedServices(LeadGrainsClock.Key)] TimeProvider clock,
    ILogger<LeadImportGrain> logger) : Grain, ILeadImportGrain, IRemindable
{
    private const string ResumeReminder = "resume";
    private const int BatchRows = 256;
    private const int RowsInFlight = 32;

    private Task? _running;

    private Guid ImportId => this.GetPrimaryKey();

    public async Task Start()
    {
        await this.RegisterOrUpdateReminder(ResumeReminder, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));
        EnsureRunning();
    }

    public Task ReceiveReminder(string reminderName, TickStatus status)
    {
        EnsureRunning();
        return Task.CompletedTask;
    }

    private void EnsureRunning()
    {
        if (_running is null || _running.IsCompleted)
        {
            _running = Run();
        }
    }

    private async Task Run()
    {
        try
        {
            IReadOnlyList<LeadImportRowToSubmit> rows;
            while ((rows = await store.NextRows(ImportId, BatchRows)).Count > 0)
            {
                await store.RecordBatch(ImportId, await Submit(rows), clock.GetUtcNow());
            }
            if (await store.CompleteIfDone(ImportId, clock.GetUtcNow()) && await this.GetReminder(ResumeReminder) is { } reminder)
            {
                await this.UnregisterReminder(reminder);
            }
        }
        catch (Exception error)
        {
            // The reminder tries again within a minute; what was recorded stays recorded.
            logger.LogWarning(error, "Import {ImportId} stopped; it resumes at its next reminder", ImportId);
        }
    }

    private async Task<LeadImportBatch> Submit(IReadOnlyList<LeadImportRowToSubmit> rows)
    {
        var results = new List<(long Line, SubmitResult Result)>();
        foreach (var window in rows.Chunk(RowsInFlight))
        {
            results.AddRange(await Task.WhenAll(window.Select(async row =>
            {
                using var nearItsNiche = NicheHint.For(row.Submission.NicheId);
                return (row.Line, await GrainFactory.GetGrain<ILeadGrain>(row.LeadId).Submit(row.Submission));
            })));
        }
        return new LeadImportBatch(rows[^1].Line, rows.Count,
            results.Count(r => ImportedRowOutcome.IsAccepted(r.Result)),
            results.Count(r => ImportedRowOutcome.IsKnown(r.Result)),
            results.Where(r => r.Result.Outcome == SubmitOutcome.Invalid).Select(r => (r.Line, ImportedRowOutcome.Rejection(r.Result))).ToList());
    }
}
