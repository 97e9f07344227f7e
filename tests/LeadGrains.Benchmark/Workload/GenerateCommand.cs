using LeadGrains.Workload;

namespace LeadGrains.Benchmark.Workload;

/// <summary><c>LeadGrains.Benchmark generate --out DIR [options]</c>: writes a workload's CSVs (deploy/local/bench-workload.sh runs it).</summary>
public static class GenerateCommand
{
    public static int Run(IReadOnlyList<string> args)
    {
        if (args.Contains("--help") || args.Contains("-h"))
        {
            Console.WriteLine(WorkloadParameters.Usage);
            return 0;
        }
        var outIndex = args.ToList().IndexOf("--out");
        if (outIndex < 0 || outIndex + 1 >= args.Count)
        {
            Console.Error.WriteLine("--out DIR is required");
            Console.Error.WriteLine(WorkloadParameters.Usage);
            return 2;
        }
        WorkloadParameters parameters;
        try
        {
            parameters = WorkloadParameters.Parse([.. args.Take(outIndex), .. args.Skip(outIndex + 2)]);
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine(e.Message);
            Console.Error.WriteLine(WorkloadParameters.Usage);
            return 2;
        }
        var directory = args[outIndex + 1];
        var counts = WorkloadGenerator.Write(directory, parameters);
        Console.WriteLine($"wrote {counts} to {directory}");
        return 0;
    }
}
