using LeadGrains.Workload;

namespace LeadGrains.Api.Tests.Infrastructure;

/// <summary>Workloads from the benchmark's generator (tests/LeadGrains.Workload), so tests use the same realistic shapes as the benchmark.</summary>
public static class StandardWorkload
{
    /// <summary>Writes the workload's CSVs into a new temporary directory and returns it.</summary>
    public static string Generate(WorkloadParameters parameters)
    {
        var directory = Directory.CreateTempSubdirectory("lg-workload-").FullName;
        WorkloadGenerator.Write(directory, parameters);
        return directory;
    }
}
