using System.Diagnostics;

namespace LeadGrains.Cluster.Tests.Infrastructure;

/// <summary>Generates data with the shared workload generator (../shared/bench/gen_workload.py), so tests use the same realistic shapes as the benchmark.</summary>
public static class StandardWorkload
{
    public static async Task<string> Generate(params string[] arguments)
    {
        var output = Directory.CreateTempSubdirectory("lg-workload-").FullName;
        var start = new ProcessStartInfo("python3") { RedirectStandardError = true, RedirectStandardOutput = true };
        start.ArgumentList.Add(GeneratorPath());
        start.ArgumentList.Add("--out");
        start.ArgumentList.Add(output);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        var errors = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, "gen_workload.py failed: " + errors);
        return output;
    }

    /// <summary>The shared folder sits beside the repository (repository/../shared).</summary>
    private static string GeneratorPath()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "LeadGrains.sln")))
        {
            directory = directory.Parent;
        }
        Assert.NotNull(directory);
        var generator = Path.Combine(directory!.FullName, "..", "shared", "bench", "gen_workload.py");
        Assert.True(File.Exists(generator), "The standard workload generator is missing: " + generator);
        return generator;
    }
}
