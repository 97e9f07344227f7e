namespace LeadGrains.Abstractions.Delivery;

/// <summary>The outcome of a test webhook.</summary>
/// <param name="Outcome"><c>accepted</c>, <c>retryable</c> or <c>permanent</c>, as a delivery's try would count it; <c>no_webhook</c> if the provider has none.</param>
/// <param name="StatusCode">The receiver's HTTP status, if it answered.</param>
/// <param name="Error">What went wrong, if anything.</param>
/// <param name="LatencyMs">How long the request took.</param>
/// <param name="WebhookId">The test message's webhook-id.</param>
[GenerateSerializer, Immutable]
public sealed record TestFireResult(
    [property: Id(0)] string Outcome,
    [property: Id(1)] int? StatusCode,
    [property: Id(2)] string? Error,
    [property: Id(3)] int LatencyMs,
    [property: Id(4)] string WebhookId);
