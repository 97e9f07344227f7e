namespace LeadGrains.Workload;

/// <summary>How many rows a generated workload's files hold.</summary>
public sealed record WorkloadCounts(int Niches, int Levels, int Providers, int Subscriptions, int Leads)
{
    public override string ToString() =>
        $"{Niches} niches, {Levels} levels, {Providers} providers, {Subscriptions} subscriptions, {Leads} leads";
}
