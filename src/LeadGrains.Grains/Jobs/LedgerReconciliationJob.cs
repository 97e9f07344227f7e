using Dapper;
using LeadGrains.Data;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace LeadGrains.Grains.Jobs;

/// <summary>
/// Nightly: runs the invariant checker and reports every violation — metric, warning log, audit row.
/// It never changes money: a discrepancy is for a person to investigate, not for a job to paper over.
/// </summary>
public sealed class LedgerReconciliationJob(NpgsqlDataSource db, LeadGrainsTelemetry telemetry, ILogger<LedgerReconciliationJob> logger) : IScheduledJob
{
    public string Name => "ledger-reconciliation";

    public TimeSpan Period => TimeSpan.FromDays(1);

    public async Task<string> Run(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var violations = await InvariantChecker.Check(db, cancellationToken);
        telemetry.LedgerReconciled(violations.Count);
        if (violations.Count == 0)
        {
            return "no discrepancies";
        }
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        foreach (var violation in violations)
        {
            logger.LogWarning("Reconciliation found {Invariant} broken for {SubjectId}: {Detail}", violation.Invariant, violation.SubjectId, violation.Detail);
            await connection.ExecuteAsync(new CommandDefinition("""
                INSERT INTO audit_log (workspace_id, actor, action, target_type, target_id, metadata, created_at)
                VALUES ((SELECT workspace_id FROM providers WHERE id = @SubjectId), 'system', 'ledger.discrepancy', 'invariant', @subject,
                        jsonb_build_object('invariant', @Invariant, 'detail', @Detail), @now)
                """, new { violation.SubjectId, subject = violation.SubjectId.ToString(), violation.Invariant, violation.Detail, now },
                cancellationToken: cancellationToken));
        }
        return $"{violations.Count} discrepancy(ies) reported";
    }
}
