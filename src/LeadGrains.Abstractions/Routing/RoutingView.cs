namespace LeadGrains.Abstractions.Routing;

/// <summary>
/// Where a submission stands, as its source may see it: never the destination, its lead or the
/// workspace a duplicate was seen in.
/// </summary>
/// <param name="SubmissionId">The submission.</param>
/// <param name="Status">See <see cref="RoutingStatus"/>; empty when invalid.</param>
/// <param name="Attempts">Routing attempts so far.</param>
/// <param name="NextAttemptAt">When the next attempt is due, while one is.</param>
/// <param name="LastReason">Why the last attempt did not route it (unmatched, destination_disabled, error), if it did not.</param>
/// <param name="Errors">Field errors of an invalid submission (nothing stored).</param>
[GenerateSerializer, Immutable]
public sealed record RoutingView(
    [property: Id(0)] Guid SubmissionId,
    [property: Id(1)] string Status,
    [property: Id(2)] int Attempts,
    [property: Id(3)] DateTimeOffset? NextAttemptAt,
    [property: Id(4)] string? LastReason,
    [property: Id(5)] IReadOnlyDictionary<string, string[]> Errors);
