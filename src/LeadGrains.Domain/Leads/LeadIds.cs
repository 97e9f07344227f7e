using System.Security.Cryptography;
using System.Text;

namespace LeadGrains.Domain.Leads;

/// <summary>
/// Lead ids the server derives from what a caller names a lead by, within the caller's workspace.
/// A caller never chooses a stored id: an id another workspace uses is neither revealed ("taken")
/// nor claimable first, and the same name in two workspaces is two leads. Derived, not random, so
/// a repeated request (a re-imported file, a retried submission) reaches the same lead.
/// </summary>
public static class LeadIds
{
    /// <summary>The lead a CSV row names by the <c>lead_id</c> in the file.</summary>
    public static Guid ForImportedRow(Guid workspaceId, Guid rowLeadId) =>
        NameBased($"import:{workspaceId:N}:{rowLeadId:N}");

    /// <summary>
    /// The lead of a CSV row that names none (no <c>lead_id</c> column): the row's line in its upload,
    /// so an interrupted import that resumes reaches the leads it already submitted.
    /// </summary>
    public static Guid ForImportLine(Guid workspaceId, Guid importId, long line) =>
        NameBased($"import-line:{workspaceId:N}:{importId:N}:{line}");

    /// <summary>
    /// The lead submitted with an Idempotency-Key. Generation 0 is the key's first lead; a key reused
    /// after its retention names the next generation, a new lead. Keys are visible ASCII, so the
    /// line break cannot occur in one and two (key, generation) pairs never share a name.
    /// </summary>
    public static Guid ForIdempotencyKey(Guid workspaceId, string key, int generation) =>
        NameBased(generation == 0 ? $"lead:{workspaceId:N}:{key}" : $"lead:{workspaceId:N}:{key}\n{generation}");

    /// <summary>
    /// A routing submission: the source's kind and id and its own reference for the lead. A line break
    /// separates them and cannot occur in a reference (visible text only), so two sources never share one.
    /// </summary>
    public static Guid ForRoutingSubmission(string sourceKind, string sourceId, string sourceReference) =>
        NameBased($"route:{sourceKind}\n{sourceId}\n{sourceReference}");

    /// <summary>The lead a routing submission becomes in its destination niche: one per submission, however often it is tried.</summary>
    public static Guid ForRoutedSubmission(Guid submissionId) => NameBased($"routed:{submissionId:N}");

    private static Guid NameBased(string name)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(name));
        hash[7] = (byte)((hash[7] & 0x0F) | 0x80); // version 8: a name-based, custom UUID
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80); // RFC 4122 variant
        return new Guid(hash.AsSpan(0, 16));
    }
}
