namespace LeadGrains.Abstractions.Leads;

/// <summary>How an import counts a row's submission: a new lead, one it already knew, or a rejection with its reason.</summary>
public static class ImportedRowOutcome
{
    /// <summary>A new lead, stored pending.</summary>
    public static bool IsAccepted(SubmitResult result) => result.Outcome == SubmitOutcome.Accepted;

    /// <summary>A duplicate of another lead, or a lead this row (a re-imported file, a resumed import) submitted before.</summary>
    public static bool IsKnown(SubmitResult result) => result.Outcome is SubmitOutcome.Duplicate or SubmitOutcome.AlreadySubmitted;

    /// <summary>The fields and rules a rejected row broke, never the values it carried.</summary>
    public static string Rejection(SubmitResult result) =>
        string.Join("; ", result.Errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}"));
}
