namespace LeadGrains.Abstractions.Distribution;

/// <summary>What a niche needs to distribute one lead.</summary>
/// <param name="LeadId">The lead.</param>
/// <param name="WorkspaceId">The lead's tenant (must be the niche's).</param>
/// <param name="State">US state code.</param>
/// <param name="Zip">Zip code, if given.</param>
/// <param name="AmountCents">Amount, if given.</param>
/// <param name="Attributes">Free-form attributes.</param>
/// <param name="Actor">Who asked, for the audit log.</param>
[GenerateSerializer, Immutable]
public sealed record DistributionRequest(
    [property: Id(0)] Guid LeadId,
    [property: Id(1)] Guid WorkspaceId,
    [property: Id(2)] string State,
    [property: Id(3)] string? Zip,
    [property: Id(4)] long? AmountCents,
    [property: Id(5)] IReadOnlyDictionary<string, string> Attributes,
    [property: Id(6)] string Actor);
