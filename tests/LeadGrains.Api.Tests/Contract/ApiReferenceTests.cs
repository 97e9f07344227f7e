using LeadGrains.Api.Tests.Infrastructure;

namespace LeadGrains.Api.Tests.Contract;

/// <summary>
/// The repository carries the API's contract as files that cannot drift from what the API serves:
/// docs/openapi.json is the served OpenAPI document (the typed client of <see cref="GeneratedClientTests"/>
/// is generated from it at build time), and docs/API.md ends with the reference rendered from it.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class ApiReferenceTests(LocalApiHost host)
{
    /// <summary>Set to 1 (deploy/local/api-reference.sh does) to rewrite the files instead of checking them.</summary>
    private const string WriteVariable = "LEADGRAINS_WRITE_API_REFERENCE";

    [Fact]
    public async Task Docs_api_md_holds_the_reference_of_the_served_openapi_document()
    {
        var path = Repository.PathOf("docs", "API.md");
        var current = await File.ReadAllTextAsync(path);
        var reference = await ApiReference.Render(await OpenApiContract.Document(host.Client), host.Services);
        await CheckOrWrite(path, current, ApiReference.Apply(current, reference));
    }

    [Fact]
    public async Task Docs_openapi_json_is_the_served_openapi_document()
    {
        var path = Repository.PathOf("docs", "openapi.json");
        var current = File.Exists(path) ? await File.ReadAllTextAsync(path) : "";
        var served = (await OpenApiContract.Document(host.Client)).GetRawText() + "\n";
        await CheckOrWrite(path, current, served);
    }

    private static async Task CheckOrWrite(string path, string current, string expected)
    {
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
}
