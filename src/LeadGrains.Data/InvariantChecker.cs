using Dapper;
using Npgsql;

namespace LeadGrains.Data;

/// <summary>One broken invariant: which (I1..I4, I8), about what, and how.</summary>
public sealed record InvariantViolation(string Invariant, Guid SubjectId, string Detail);

/// <summary>
/// Runs the SQL function <c>check_invariants()</c> (money, fairness and caps invariants I1-I4 and I8). Tests,
/// the benchmark and the nightly reconciliation all judge the data through this one query.
/// </summary>
public static class InvariantChecker
{
    public static async Task<IReadOnlyList<InvariantViolation>> Check(NpgsqlDataSource db, CancellationToken cancellationToken = default)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<InvariantViolation>(new CommandDefinition(
            "SELECT invariant, subject_id, detail FROM check_invariants() ORDER BY invariant, subject_id",
            cancellationToken: cancellationToken));
        return rows.ToList();
    }
}
