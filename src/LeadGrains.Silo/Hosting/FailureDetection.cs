using Orleans.Configuration;

namespace LeadGrains.Silo.Hosting;

/// <summary>
/// How fast the silos notice a dead silo, so its grains move and callers stop getting 503s.
/// A silo probes a few others every <c>ProbeTimeout</c>; after <c>NumMissedProbesLimit</c> missed
/// probes in a row it suspects the target and votes it dead in the membership table; with
/// <c>NumVotesForDeathDeclaration</c> votes (or fewer in a small cluster) the target is declared
/// dead and every silo drops it at once. A killed process refuses connections, so each probe fails
/// at once: the delay is about ProbeTimeout × NumMissedProbesLimit (2 s × 3 ≈ 6 s here, against
/// 5 s × 3 ≈ 15 s with Orleans' defaults). Orleans adapts the timeout per peer between half and four
/// times ProbeTimeout, and ignores missed probes while the connection still carries traffic, so a
/// long GC pause does not get a live silo declared dead. Settings under <c>LeadGrains:Membership</c> override these (names as in
/// <see cref="ClusterMembershipOptions"/>).
/// </summary>
public static class FailureDetection
{
    public const string Section = "LeadGrains:Membership";

    public static ISiloBuilder UseLeadGrainsFailureDetection(this ISiloBuilder silo)
    {
        silo.Configure<ClusterMembershipOptions>(membership =>
        {
            membership.ProbeTimeout = TimeSpan.FromSeconds(2);
            membership.NumMissedProbesLimit = 3;
            membership.NumVotesForDeathDeclaration = 2;
        });
        silo.Services.AddOptions<ClusterMembershipOptions>().BindConfiguration(Section);
        return silo;
    }
}
