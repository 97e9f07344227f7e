namespace LeadGrains.Domain.Returns;

/// <summary>
/// A workspace's rules for bad-lead returns, as plain values: how long after an assignment its provider
/// may return it, the reasons it may give, and whether (and how far) returns are approved without a person.
/// </summary>
/// <param name="Window">A return may be requested until this long after the assignment.</param>
/// <param name="Reasons">The reason codes a provider chooses from.</param>
/// <param name="AutoApprove">Approve requests within the rate limit at once; off, every request waits for review.</param>
/// <param name="AutoApproveMaxReturns">At most this many returns per provider per rate period are auto-approved.</param>
/// <param name="AutoApproveMaxRatePercent">... and only while its returns are at most this share of its assignments in the period.</param>
/// <param name="RatePeriod">The period the limit counts over, back from the request.</param>
public sealed record ReturnRules(
    TimeSpan Window, IReadOnlyList<string> Reasons, bool AutoApprove, int AutoApproveMaxReturns, int AutoApproveMaxRatePercent, TimeSpan RatePeriod)
{
    /// <summary>What a workspace that never set its rules gets: 72 hours, four common reasons, every request reviewed.</summary>
    public static ReturnRules Default { get; } = new(
        TimeSpan.FromHours(72), ["wrong_contact", "duplicate", "out_of_area", "not_interested"], false, 5, 10, TimeSpan.FromDays(30));
}
