using LeadGrains.Domain.Text;

namespace LeadGrains.Domain.Returns;

/// <summary>Field checks of return requests, decisions and rules, before anything is stored.</summary>
public static class ReturnValidation
{
    public const int MaxNoteLength = 2000;
    public const int MaxReasonLength = 100;
    public const int MaxReasons = 50;
    public const int MaxHours = 8760;

    /// <summary>A provider's request: a reason of the workspace's list and an optional note.</summary>
    public static Dictionary<string, string[]> CheckRequest(ReturnRules rules, string? reason, string? note)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrEmpty(reason) || !rules.Reasons.Contains(reason, StringComparer.Ordinal))
        {
            errors["reason"] = [$"must be one of: {string.Join(", ", rules.Reasons)}."];
        }
        CheckNote(errors, "note", note);
        return errors;
    }

    /// <summary>A reviewer's note on an approval or rejection.</summary>
    public static Dictionary<string, string[]> CheckDecision(string? note)
    {
        var errors = new Dictionary<string, string[]>();
        CheckNote(errors, "note", note);
        return errors;
    }

    /// <summary>A workspace's rules as an admin sets them; hours are whole hours from 1 to a year.</summary>
    public static Dictionary<string, string[]> CheckRules(
        int? windowHours, IReadOnlyList<string>? reasons, bool? autoApprove, int? maxReturns, int? maxRatePercent, int? ratePeriodHours)
    {
        var errors = new Dictionary<string, string[]>();
        if (windowHours is not (>= 1 and <= MaxHours))
        {
            errors["window_hours"] = [$"is required: whole hours from 1 to {MaxHours}."];
        }
        if (reasons is null || reasons.Count is < 1 or > MaxReasons)
        {
            errors["reasons"] = [$"is required: 1 to {MaxReasons} reason codes."];
        }
        else
        {
            for (var i = 0; i < reasons.Count; i++)
            {
                if (!IsReasonCode(reasons[i]))
                {
                    errors[$"reasons[{i}]"] = [$"must be 1 to {MaxReasonLength} lowercase letters, digits or underscores."];
                }
            }
            if (reasons.Distinct(StringComparer.Ordinal).Count() != reasons.Count && !errors.Keys.Any(k => k.StartsWith("reasons", StringComparison.Ordinal)))
            {
                errors["reasons"] = ["must not repeat a reason."];
            }
        }
        if (autoApprove is null)
        {
            errors["auto_approve"] = ["is required: true or false."];
        }
        if (maxReturns is not (>= 0 and <= 100_000))
        {
            errors["auto_approve_max_returns"] = ["is required: from 0 to 100000."];
        }
        if (maxRatePercent is not (>= 0 and <= 100))
        {
            errors["auto_approve_max_rate_percent"] = ["is required: from 0 to 100."];
        }
        if (ratePeriodHours is not (>= 1 and <= MaxHours))
        {
            errors["rate_period_hours"] = [$"is required: whole hours from 1 to {MaxHours}."];
        }
        return errors;
    }

    // Codes, not prose: they key the reports and the portal's choices, so they stay stable and plain.
    private static bool IsReasonCode(string? reason) =>
        reason is { Length: >= 1 and <= MaxReasonLength } && reason.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_');

    private static void CheckNote(Dictionary<string, string[]> errors, string field, string? note)
    {
        if (note is null)
        {
            return;
        }
        if (note.Length > MaxNoteLength)
        {
            errors[field] = [$"must be at most {MaxNoteLength} characters."];
        }
        else if (!StorableText.IsStorable(note))
        {
            errors[field] = [StorableText.Requirement];
        }
    }
}
