namespace LeadGrains.Abstractions.Leads;

/// <summary>A new lead for a niche. The lead grain's key is the new lead id, chosen by the caller.</summary>
/// <param name="WorkspaceId">The tenant; the niche must belong to it.</param>
/// <param name="NicheId">The niche the lead is for.</param>
/// <param name="Contact">The person.</param>
/// <param name="Attributes">What subscriptions filter on.</param>
[GenerateSerializer, Immutable]
public sealed record LeadSubmission(
    [property: Id(0)] Guid WorkspaceId,
    [property: Id(1)] Guid NicheId,
    [property: Id(2)] LeadContact Contact,
    [property: Id(3)] LeadAttributes Attributes);
