using System.Text.Json;
using System.Text.Json.Serialization;
using LeadGrains.Abstractions.Leads;
using LeadGrains.Api.Errors;

namespace LeadGrains.Api.Leads;

public sealed record ContactBody(string? FirstName, string? LastName, string? Email, string? Phone);

/// <summary>What subscriptions filter on: state, zip and amount, plus free-form string attributes.</summary>
public sealed record AttributesBody(string? State, string? Zip, long? AmountCents)
{
    public const int MaxExtra = 50;

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; init; }

    public IReadOnlyDictionary<string, string> ExtraAsStrings()
    {
        var extra = new Dictionary<string, string>();
        if (Extra is null)
        {
            return extra;
        }
        if (Extra.Count > MaxExtra)
        {
            throw ApiProblemException.Validation("attributes", $"holds at most {MaxExtra} free-form attributes.");
        }
        foreach (var (name, value) in Extra)
        {
            var text = value.ValueKind switch
            {
                JsonValueKind.String => value.GetString(),
                JsonValueKind.Number => value.GetRawText(),
                JsonValueKind.True or JsonValueKind.False => value.GetBoolean() ? "true" : "false",
                _ => null,
            };
            if (text is null || name.Length is 0 or > 64 || text.Length > 500)
            {
                throw ApiProblemException.Validation($"attributes.{name}",
                    "must be a string, number or boolean of at most 500 characters, under a name of at most 64.");
            }
            extra[name] = text;
        }
        return extra;
    }
}

public sealed record SubmitLeadRequest(Guid? NicheId, ContactBody? Contact, AttributesBody? Attributes)
{
    public LeadSubmission ToSubmission(Guid workspaceId)
    {
        var nicheId = NicheId ?? throw ApiProblemException.Validation("niche_id", "is required.");
        var contact = Contact ?? new ContactBody(null, null, null, null);
        var attributes = Attributes ?? new AttributesBody(null, null, null);
        return new LeadSubmission(workspaceId, nicheId,
            new LeadContact(contact.FirstName!, contact.LastName!, contact.Email!, contact.Phone!),
            new LeadAttributes(attributes.State!, attributes.Zip, attributes.AmountCents, attributes.ExtraAsStrings()));
    }
}

public sealed record SubmitLeadResponse(
    Guid LeadId,
    string Status,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] Guid? DuplicateOf);

public sealed record RejectLeadRequest(string? Reason)
{
    public string Checked() => Reason?.Trim() is { Length: >= 1 and <= 500 } reason
        ? reason
        : throw ApiProblemException.Validation("reason", "is required, at most 500 characters.");
}

public sealed record ApproveLeadResponse(Guid LeadId, string Status, string Distribution);

public sealed record RejectLeadResponse(Guid LeadId, string Status);

public sealed record ContactResponse(string FirstName, string LastName, string Email, string Phone);

public sealed record AttributesResponse(string State, string? Zip, long? AmountCents)
{
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; init; }
}

/// <summary>A lead without its contact data (lists).</summary>
public sealed record LeadSummary(
    Guid LeadId, Guid NicheId, string Status, AttributesResponse Attributes, DateTime CreatedAt, DateTime? ApprovedAt,
    DateTime? DistributedAt, int DistributionAttempts, DateTime ExpiresAt, Guid? DuplicateOf);

/// <summary>A lead with its contact data (the detail page, meant to show it).</summary>
public sealed record LeadDetail(
    Guid LeadId, Guid NicheId, string Status, ContactResponse Contact, AttributesResponse Attributes, DateTime CreatedAt,
    DateTime? ApprovedAt, DateTime? DistributedAt, int DistributionAttempts, DateTime ExpiresAt, Guid? DuplicateOf, string? RejectionReason);

public sealed record LeadPage(IReadOnlyList<LeadSummary> Items, string? NextCursor);

/// <summary>The statuses a lead list may be filtered by.</summary>
public static class LeadStatuses
{
    public static readonly string[] All =
    [
        LeadStatus.Pending, LeadStatus.Approved, LeadStatus.Rejected, LeadStatus.Duplicate, LeadStatus.Distributed,
        LeadStatus.NoEligible, LeadStatus.Failed, LeadStatus.Expired,
    ];

    public static string? Parse(string? status) =>
        string.IsNullOrEmpty(status) ? null
        : All.Contains(status) ? status
        : throw ApiProblemException.Validation("status", "must be one of " + string.Join(", ", All) + ".");
}
