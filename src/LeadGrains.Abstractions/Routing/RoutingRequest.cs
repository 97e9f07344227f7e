using LeadGrains.Abstractions.Leads;

namespace LeadGrains.Abstractions.Routing;

/// <summary>A lead a source hands to the platform for routing.</summary>
/// <param name="Source">Who submits it; the lead is attributed to it.</param>
/// <param name="SourceReference">The source's own name for the lead (its id, a row key): the same reference is the same submission.</param>
/// <param name="Contact">The person.</param>
/// <param name="Attributes">What rules and subscriptions look at.</param>
[GenerateSerializer, Immutable]
public sealed record RoutingRequest(
    [property: Id(0)] RoutingSource Source,
    [property: Id(1)] string SourceReference,
    [property: Id(2)] LeadContact Contact,
    [property: Id(3)] LeadAttributes Attributes);

/// <summary>A source of routed leads.</summary>
/// <param name="Kind"><c>workspace</c> (a partner workspace) or <c>client</c> (an API client of the platform).</param>
/// <param name="Id">The workspace id, or the client's subject.</param>
[GenerateSerializer, Immutable]
public sealed record RoutingSource([property: Id(0)] string Kind, [property: Id(1)] string Id)
{
    /// <summary>A partner workspace submits; <see cref="Id"/> is its workspace id.</summary>
    public const string Workspace = "workspace";
    /// <summary>An API client of the platform submits; <see cref="Id"/> is its token's subject.</summary>
    public const string Client = "client";
}
