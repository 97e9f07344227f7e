namespace LeadGrains.Domain.Leads;

/// <summary>
/// How long the admin API remembers an Idempotency-Key: the cleanup job deletes older keys, and a
/// lead's key reused after that names a new lead (<see cref="LeadIds"/>), so both read it here.
/// </summary>
public static class IdempotencyKeyRetention
{
    public static readonly TimeSpan Period = TimeSpan.FromDays(7);
}
