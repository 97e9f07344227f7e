using LeadGrains.Abstractions.Delivery;

namespace LeadGrains.Api.Delivery;

/// <summary>
/// One delivery of an assignment on one channel. <c>message_id</c> is what the receiver sees on every
/// try (webhook-id, or the e-mail's Message-ID). <c>next_attempt_at</c> is set while it is pending.
/// </summary>
public sealed record DeliveryResponse(
    Guid DeliveryId, Guid AssignmentId, Guid LeadId, Guid ProviderId, string Channel, string State, int Attempts,
    DateTime? NextAttemptAt, DateTime GiveUpAt, int? LastStatusCode, string? LastError, DateTime CreatedAt, DateTime AssignedAt,
    DateTime? DeliveredAt, DateTime? DeadAt, DateTime? ResolvedAt, string? ResolvedBy, string? ResolutionNote, string MessageId);

public sealed record AssignmentDeliveriesResponse(Guid AssignmentId, IReadOnlyList<DeliveryResponse> Items);

/// <summary>One try on the wire. Never the secret or the lead's contact data.</summary>
public sealed record DeliveryAttemptResponse(int Attempt, DateTime StartedAt, int LatencyMs, string Outcome, int? StatusCode, string? Error, string? Silo);

public sealed record DeliveryAttemptsResponse(Guid DeliveryId, IReadOnlyList<DeliveryAttemptResponse> Items);

public sealed record DeadDeliveryPage(IReadOnlyList<DeliveryResponse> Items, int Page, int Limit, long Total);

public sealed record ResendRequest(string? Channel);

public sealed record ResendResponse(Guid AssignmentId, IReadOnlyList<Guid> DeliveryIds);

public sealed record ResolveDeliveryRequest(string? Note);

public sealed record TestFireResponse(Guid ProviderId, string Outcome, int? StatusCode, string? Error, int LatencyMs, string WebhookId)
{
    public static TestFireResponse From(Guid providerId, TestFireResult result) =>
        new(providerId, result.Outcome, result.StatusCode, result.Error, result.LatencyMs, result.WebhookId);
}

/// <summary>A provider's receiver on one channel: consecutive failures and whether it is marked failing.</summary>
public sealed record DeliveryEndpointResponse(
    Guid ProviderId, string Channel, int ConsecutiveFailures, DateTime? FailingSince, DateTime? LastSuccessAt, DateTime? LastFailureAt);

public sealed record DeliveryEndpointsResponse(IReadOnlyList<DeliveryEndpointResponse> Items);
