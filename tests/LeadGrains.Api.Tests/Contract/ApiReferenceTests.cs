using LeadGrains.Api.Tests.Infrastructure;

namespace LeadGrains.Api.Tests.Contract;

/// <summary>docs/API.md ends with the reference rendered from the served OpenAPI document, so the two cannot drift.</summary>
[Collection(ApiCollection.Name)]
public sealed class ApiReferenceTests(LocalApiHost host)
{
    /// <summary>Set to 1 (deploy/local/api-reference.sh does) to rewrite the file instead of checking it.</summary>
    private const string WriteVariable = "LEADGRAINS_WRITE_API_REFERENCE";

    [Fact]
    public async Task Docs_api_md_holds_the_reference_of_the_served_openapi_document()
    {
        var path = Path.Combine(RepositoryRoot(), "docs", "API.md");
        var current = await File.ReadAllTextAsync(path);
        var reference = await ApiReference.Render(await OpenApiContract.Document(host.Client), host.Services);
        var expected = ApiReference.Apply(current, reference);

        if (Environment.GetEnvironmentVariable(WriteVariable) == "1")
        {
            await File.WriteAllTextAsync(path, expected);
            return;
        }
        var currentLines = current.Split('\n');
        var expectedLines = expected.Split('\n');
        var first = Enumerable.Range(0, Math.Max(currentLines.Length, expectedLines.Length))
            .FirstOrDefault(i => currentLines.ElementAtOrDefault(i) != expectedLines.ElementAtOrDefault(i), -1);
        Assert.True(first < 0,
            $"{path} differs from the served OpenAPI document at line {first + 1}:\n"
            + $"  file:     {currentLines.ElementAtOrDefault(first)}\n  document: {expectedLines.ElementAtOrDefault(first)}\n"
            + "Regenerate it with deploy/local/api-reference.sh and commit it.");
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "LeadGrains.sln")))
        {
            directory = directory.Parent;
        }
        return directory?.FullName ?? throw new InvalidOperationException("No LeadGrains.sln above " + AppContext.BaseDirectory);
    }
}
