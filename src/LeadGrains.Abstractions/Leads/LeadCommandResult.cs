namespace LeadGrains.Abstractions.Leads;

/// <summary>How an approve or reject command ended.</summary>
public enum LeadCommandOutcome
{
    /// <summary>The transition was made (or had already been made: commands are idempotent).</summary>
    Done,
    /// <summary>The lead does not exist.</summary>
    NotFound,
    /// <summary>The lead's status does not allow it (e.g. approving a rejected lead).</summary>
    InvalidTransition,
}

/// <summary>The answer to approve or reject.</summary>
/// <param name="Outcome">What happened.</param>
/// <param name="Status">The lead's status now.</param>
/// <param name="DistributionQueued">True when approval queued an automatic distribution.</param>
[GenerateSerializer, Immutable]
public sealed record LeadCommandResult(
    [property: Id(0)] LeadCommandOutcome Outcome,
    [property: Id(1)] string Status,
    [property: Id(2)] bool DistributionQueued);
