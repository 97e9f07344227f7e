using System.Globalization;
using System.Runtime.CompilerServices;
using CsvHelper;
using CsvHelper.Configuration;
using LeadGrains.Abstractions.Leads;
using LeadGrains.Domain.Leads;

namespace LeadGrains.Api.Leads;

/// <summary>A data row of a leads CSV: the lead it becomes, or why it cannot be one (naming the column, never the value).</summary>
public sealed record LeadCsvRow(long Line, Guid LeadId, LeadSubmission? Submission, string? Rejection);

/// <summary>
/// Reads a leads CSV (docs/API.md, "Lead import") row by row, streaming. Required columns are the
/// lead's niche and contact and its state; <c>zip</c> and <c>amount_cents</c> fill those fields, and
/// every other column is kept as an attribute of the lead. <c>lead_id</c> and <c>workspace_id</c>
/// are optional: a row's stored id is always derived server-side (<see cref="LeadIds"/>) — from the
/// file's lead_id when there is one, so re-importing a file reaches the same leads, else from the
/// row's line in this upload.
/// </summary>
public static class LeadCsvRows
{
    public static readonly string[] Required = ["niche_id", "state", "email", "phone", "first_name", "last_name"];

    /// <summary>Columns the reader gives a meaning of their own; any other column becomes an attribute.</summary>
    private static readonly string[] Known = [.. Required, "lead_id", "workspace_id", "zip", "amount_cents"];

    /// <summary>The rows of <paramref name="csv"/>, or one rejection of line 1 when its header lacks a required column.</summary>
    public static async IAsyncEnumerable<LeadCsvRow> Read(Stream csv, Guid workspaceId, Guid uploadId,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(csv);
        using var parser = new CsvReader(reader, new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            MissingFieldFound = null,
            BadDataFound = null,
            DetectColumnCountChanges = false,
        });
        if (!await parser.ReadAsync() || !parser.ReadHeader() || Required.Except(parser.HeaderRecord!).Any())
        {
            yield return new LeadCsvRow(1, Guid.Empty, null, "the header must name the columns " + string.Join(",", Required)
                + " (optional: lead_id, workspace_id, zip, amount_cents, and any attribute)");
            yield break;
        }
        var header = parser.HeaderRecord!.Select(h => h.Trim()).ToArray();
        if (header.Distinct().Count() != header.Length)
        {
            yield return new LeadCsvRow(1, Guid.Empty, null, "each column of the header must have its own name");
            yield break;
        }
        while (await parser.ReadAsync())
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return Row(parser.Parser.RawRow, parser.Parser.Record ?? [], header, workspaceId, uploadId);
        }
    }

    private static LeadCsvRow Row(long line, string[] fields, string[] header, Guid workspaceId, Guid uploadId)
    {
        LeadCsvRow Rejected(string reason) => new(line, Guid.Empty, null, reason);
        if (fields.Length != header.Length)
        {
            return Rejected($"expected {header.Length} fields, found {fields.Length}");
        }
        string? Field(string name) => Array.IndexOf(header, name) is var i and >= 0 ? fields[i].Trim() : null;

        var leadId = LeadIds.ForImportLine(workspaceId, uploadId, line);
        if (Field("lead_id") is { } named)
        {
            if (!Guid.TryParse(named, out var rowLeadId))
            {
                return Rejected("lead_id is not a UUID");
            }
            leadId = LeadIds.ForImportedRow(workspaceId, rowLeadId);
        }
        if (Field("workspace_id") is { } workspace && (!Guid.TryParse(workspace, out var rowWorkspace) || rowWorkspace != workspaceId))
        {
            return Rejected("workspace_id is not this workspace");
        }
        if (!Guid.TryParse(Field("niche_id"), out var nicheId))
        {
            return Rejected("niche_id is not a UUID");
        }
        long? amountCents = null;
        if (Field("amount_cents") is { Length: > 0 } amount)
        {
            if (!long.TryParse(amount, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var cents))
            {
                return Rejected("amount_cents is not a whole number of cents");
            }
            amountCents = cents;
        }
        var attributes = header.Select((name, i) => (name, value: fields[i].Trim()))
            .Where(c => !Known.Contains(c.name) && c.name.Length > 0 && c.value.Length > 0)
            .ToDictionary(c => c.name, c => c.value);
        return new LeadCsvRow(line, leadId, new LeadSubmission(workspaceId, nicheId,
            new LeadContact(Field("first_name")!, Field("last_name")!, Field("email")!, Field("phone")!),
            new LeadAttributes(Field("state")!, Field("zip") is { Length: > 0 } zip ? zip : null, amountCents, attributes)), null);
    }
}
