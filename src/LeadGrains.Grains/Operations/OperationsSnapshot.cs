namespace LeadGrains.Grains.Operations;

/// <summary>The cluster-wide state an operator alerts on, as the database last reported it.</summary>
/// <param name="DueLeads">Approved leads whose distribution is due now (including those being attempted).</param>
/// <param name="OldestDueAge">How long the longest-waiting due lead has been due; zero when none is.</param>
/// <param name="OpenDeadLetters">Dead-letter entries not resolved yet.</param>
/// <param name="ProvidersPausedForFunds">Providers with at least one subscription paused for insufficient balance.</param>
/// <param name="ActiveSilos">Silos of this cluster the membership table lists as active.</param>
/// <param name="PendingReturns">Return requests waiting for a reviewer.</param>
/// <param name="OldestPendingReturnAge">How long the longest-waiting of them has waited; zero when none does.</param>
public sealed record OperationsSnapshot(
    long DueLeads,
    TimeSpan OldestDueAge,
    long OpenDeadLetters,
    long ProvidersPausedForFunds,
    long ActiveSilos,
    long PendingReturns,
    TimeSpan OldestPendingReturnAge);
