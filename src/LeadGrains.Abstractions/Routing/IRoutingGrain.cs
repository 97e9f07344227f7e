using Orleans.Concurrency;

namespace LeadGrains.Abstractions.Routing;

/// <summary>
/// One submission of a lead to the platform's routing, keyed by the submission id (derived from the
/// source and its reference, so a repeated submission reaches the same grain). Its serial turns route
/// a submission one attempt at a time; the database's guarded transitions make it once across silos.
/// </summary>
public interface IRoutingGrain : IGrainWithGuidKey
{
    /// <summary>Stores the submission (once) and tries to route it now; returns where it stands.</summary>
    Task<RoutingView> Submit(RoutingRequest request);

    /// <summary>Runs the submission's next attempt if it is due. Called by the routing sweep, not by clients.</summary>
    [OneWay]
    Task RunDueAttempt();

    /// <summary>Where the submission stands, or null if there is none.</summary>
    Task<RoutingView?> Get();
}
