namespace LeadGrains.Abstractions.Providers;

/// <summary>Adds prepaid funds. The idempotency key makes a retried deposit count once.</summary>
/// <param name="AmountCents">Amount in cents, &gt; 0.</param>
/// <param name="IdempotencyKey">Unique per intended deposit of this provider, 1-200 characters.</param>
/// <param name="Reference">Optional payment reference.</param>
/// <param name="Actor">Who deposits, for the audit row the deposit writes with the money.</param>
[GenerateSerializer, Immutable]
public sealed record DepositCommand(
    [property: Id(0)] long AmountCents,
    [property: Id(1)] string IdempotencyKey,
    [property: Id(2)] string? Reference,
    [property: Id(3)] string Actor = "system");
