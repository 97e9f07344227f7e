namespace LeadGrains.Domain.Routing;

/// <summary>A platform's routing rule: leads meeting <see cref="Condition"/> go to the destination niche.</summary>
/// <param name="Priority">Higher first; among equal priorities the older rule (smaller id) first.</param>
public sealed record RoutingRule(Guid Id, string Name, RoutingCondition Condition, int Priority, Guid DestinationWorkspaceId, Guid DestinationNicheId, bool Enabled);
