namespace LeadGrains.Api.Tests.Infrastructure;

/// <summary>Files of the repository the tests run from (deploy configuration, for instance).</summary>
public static class Repository
{
    public static string Root { get; } = FindRoot();

    public static string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    /// <summary>
    /// Where tests leave what a person or a later step looks at (a scraped /metrics, screenshots):
    /// <c>LEADGRAINS_TEST_ARTIFACTS</c>, or <c>.local/test-artifacts</c> in the repository.
    /// </summary>
    public static string Artifacts()
    {
        var directory = Environment.GetEnvironmentVariable("LEADGRAINS_TEST_ARTIFACTS") is { Length: > 0 } configured
            ? configured
            : PathOf(".local", "test-artifacts");
        Directory.CreateDirectory(directory);
        return directory;
    }

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "LeadGrains.sln")))
            {
                return directory.FullName;
            }
        }
        throw new InvalidOperationException("The tests do not run inside the LeadGrains repository.");
    }
}
