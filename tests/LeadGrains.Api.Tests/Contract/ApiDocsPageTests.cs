using System.Net;
using System.Text.RegularExpressions;
using LeadGrains.Api.Tests.Infrastructure;

namespace LeadGrains.Api.Tests.Contract;

/// <summary>Local mode serves an interactive reference (Scalar) over the served document, with its script from the API itself, not a CDN.</summary>
[Collection(ApiCollection.Name)]
public sealed class ApiDocsPageTests(LocalApiHost host)
{
    [Fact]
    public async Task The_api_docs_page_reads_the_served_document_and_its_script_is_served_locally()
    {
        var bare = await host.Client.GetAsync("/api-docs");
        Assert.Equal(HttpStatusCode.Found, bare.StatusCode);
        var page = await host.Client.GetAsync("/api-docs/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        var html = await page.Content.ReadAsStringAsync();
        Assert.True(html.Contains("openapi/v1.json"), html);

        var script = Regex.Match(html, "<script[^>]+src=\"([^\"]+)\"").Groups[1].Value;
        Assert.False(script.StartsWith("http", StringComparison.Ordinal), $"the page loads its script from elsewhere: {script}");
        var asset = await host.Client.GetAsync(new Uri(new Uri(host.BaseAddress, "/api-docs/"), script));
        Assert.Equal(HttpStatusCode.OK, asset.StatusCode);
        Assert.True((await asset.Content.ReadAsByteArrayAsync()).Length > 10_000, "the script is the real bundle");
    }
}
