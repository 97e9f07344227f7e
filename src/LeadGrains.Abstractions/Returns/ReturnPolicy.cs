namespace LeadGrains.Abstractions.Returns;

/// <summary>A workspace's rules for bad-lead returns.</summary>
/// <param name="WindowHours">A provider may return an assignment until this many hours after it was made.</param>
/// <param name="Reasons">The reason codes a provider chooses from (lowercase letters, digits, underscores).</param>
/// <param name="AutoApprove">Approve requests within the provider's return-rate limit at once; off, every request waits for review.</param>
/// <param name="AutoApproveMaxReturns">At most this many of a provider's returns per rate period are auto-approved.</param>
/// <param name="AutoApproveMaxRatePercent">... and only while its returns are at most this share (percent) of its assignments in the period.</param>
/// <param name="RatePeriodHours">The period, back from each request, that the limit counts over.</param>
[GenerateSerializer, Immutable]
public sealed record ReturnPolicy(
    [property: Id(0)] int WindowHours,
    [property: Id(1)] IReadOnlyList<string> Reasons,
    [property: Id(2)] bool AutoApprove,
    [property: Id(3)] int AutoApproveMaxReturns,
    [property: Id(4)] int AutoApproveMaxRatePercent,
    [property: Id(5)] int RatePeriodHours);
