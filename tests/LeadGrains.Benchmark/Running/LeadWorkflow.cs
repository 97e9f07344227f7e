namespace LeadGrains.Benchmark.Running;

/// <summary>What the benchmark asks of each lead.</summary>
public enum LeadWorkflow
{
    /// <summary>The approval service's path: leads are loaded pending, each is approved, then distributed.</summary>
    ApproveAndDistribute,

    /// <summary>
    /// Leads are loaded approved and each is only distributed, as the plain-SQL baseline (seedsql)
    /// does, so the two are compared on the same work.
    /// </summary>
    DistributeOnly,
}

public static class LeadWorkflowNames
{
    public static string Describe(this LeadWorkflow workflow) => workflow switch
    {
        LeadWorkflow.DistributeOnly => "distribute only",
        _ => "approve + distribute",
    };
}
