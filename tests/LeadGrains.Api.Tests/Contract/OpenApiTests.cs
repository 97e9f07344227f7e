using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using LeadGrains.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace LeadGrains.Api.Tests.Contract;

/// <summary>The served OpenAPI document describes exactly the real endpoints and every answer they give.</summary>
[Collection(ApiCollection.Name)]
public sealed class OpenApiTests(LocalApiHost host)
{
    private async Task<JsonElement> Document()
    {
        var response = await host.Client.GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
    }

    private static IEnumerable<(string Method, string Path)> Operations(JsonElement document) =>
        document.GetProperty("paths").EnumerateObject().SelectMany(path =>
            path.Value.EnumerateObject().Where(op => op.Name is "get" or "post" or "patch" or "put" or "delete")
                .Select(op => (op.Name.ToUpperInvariant(), path.Name)));

    [Fact]
    public async Task The_document_lists_exactly_the_mapped_api_endpoints()
    {
        var document = await Document();
        var documented = Operations(document).Select(o => $"{o.Method} {o.Path}").Order().ToList();
        var mapped = host.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText is { } raw && (raw.StartsWith("/api/", StringComparison.Ordinal) || raw.StartsWith("api/", StringComparison.Ordinal) || raw == "/health/live"))
            .SelectMany(e => e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()!.HttpMethods
                .Select(m => $"{m} /{e.RoutePattern.RawText!.TrimStart('/')}"))
            .Order().ToList();

        Assert.Equal(mapped, documented);
        Assert.Equal(32, documented.Count);
        Assert.True(document.GetProperty("components").GetProperty("securitySchemes").TryGetProperty("bearer", out _));
    }

    [Fact]
    public async Task The_documented_schemas_use_the_contract_field_names()
    {
        var text = (await Document()).GetRawText();
        foreach (var field in new[] { "next_start_level_order_position", "balance_cents", "price_charged_cents", "last_attempt_status", "dlq_size", "next_cursor" })
        {
            Assert.Contains($"\"{field}\"", text);
        }
        Assert.DoesNotContain("\"nextCursor\"", text);
    }

    [Fact]
    public async Task Every_answer_received_in_the_tests_is_described_by_the_document()
    {
        // Make sure answers of every kind have been seen, whatever ran before.
        var api = new ApiDriver(host);
        var ws = await api.Workspace();
        var niche = await api.Niche(ws);
        await api.Get($"/api/v1/admin/niches/{niche.Id("niche_id")}", api.Tokens.Ops(ws));
        await api.Get("/api/v1/admin/niches?limit=0", api.Tokens.Ops(ws));
        await api.Get("/api/v1/admin/niches", null);
        await api.Post("/api/v1/admin/niches", api.Tokens.AdminWithoutMfa(ws), new { name = "x" });

        var document = await Document();
        var operations = Operations(document).Select(o => (o.Method, o.Path, Pattern: new Regex("^" + Regex.Replace(o.Path, @"\{[^}]+\}", "[^/]+") + "$"))).ToList();
        var checkedCount = 0;
        foreach (var response in ResponseRecorder.All.ToArray().Where(r => r.Path.StartsWith("/api/", StringComparison.Ordinal)))
        {
            var operation = operations
                .Where(o => o.Method == response.Method && o.Pattern.IsMatch(response.Path))
                .OrderBy(o => o.Path.Count(c => c == '{'))
                .Select(o => (string?)o.Path).FirstOrDefault();
            if (operation is null)
            {
                // Only unmapped addresses and methods may be missing from the document.
                Assert.True(response.Status is 404 or 405, $"{response.Method} {response.Path} → {response.Status} is not documented");
                continue;
            }
            var responses = document.GetProperty("paths").GetProperty(operation).GetProperty(response.Method.ToLowerInvariant()).GetProperty("responses");
            Assert.True(responses.TryGetProperty(response.Status.ToString(), out var described),
                $"{response.Method} {operation} answered {response.Status}, which the document does not list");
            if (response.Body.Length > 0 && described.TryGetProperty("content", out var content))
            {
                Assert.True(content.TryGetProperty(response.ContentType!, out _), $"{response.Method} {operation} {response.Status}: {response.ContentType} not documented");
            }
            checkedCount++;
        }
        Assert.True(checkedCount > 20);
    }
}
