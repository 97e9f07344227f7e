using System.Net;
using System.Text.Json;
using LeadGrains.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace LeadGrains.Api.Tests.Contract;

/// <summary>The served OpenAPI document describes exactly the real endpoints and every answer they give.</summary>
[Collection(ApiCollection.Name)]
public sealed class OpenApiTests(LocalApiHost host)
{
    private Task<JsonElement> Document() => OpenApiContract.Document(host.Client);

    private static IEnumerable<(string Method, string Path)> Operations(JsonElement document) => OpenApiContract.Operations(document);

    [Fact]
    public async Task The_document_lists_exactly_the_mapped_api_endpoints()
    {
        var document = await Document();
        var documented = Operations(document).Select(o => $"{o.Method} {o.Path}").Order().ToList();
        var mapped = host.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText is { } raw && (raw.StartsWith("/api/", StringComparison.Ordinal) || raw.StartsWith("api/", StringComparison.Ordinal)))
            .SelectMany(e => e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()!.HttpMethods
                .Select(m => $"{m} /{e.RoutePattern.RawText!.Trim('/')}"))
            .Order().ToList();

        Assert.Equal(mapped, documented);
        // the 30 endpoints of the original contract, 8 operations views and reports, 14 of lead delivery, 2 of import jobs, 7 of the buyers' controls, 11 of returns and refunds, 18 of partner routing
        Assert.Equal(30 + 8 + 14 + 2 + 7 + 11 + 18, documented.Count);
        Assert.True(document.GetProperty("components").GetProperty("securitySchemes").TryGetProperty("bearer", out _));
    }

    /// <summary>Keeps the served document for <c>deploy/local/check-openapi.sh</c> (Redocly's linter), which test.sh runs after the tests.</summary>
    [Fact]
    public async Task The_served_document_is_kept_for_the_linter()
    {
        var document = await Document();

        await File.WriteAllTextAsync(Path.Combine(Repository.Artifacts(), "openapi.json"), document.GetRawText());

        Assert.StartsWith("3.", document.GetProperty("openapi").GetString());
    }

    [Fact]
    public async Task Every_operation_has_its_own_operation_id_a_summary_and_its_client_errors_described()
    {
        var paths = (await Document()).GetProperty("paths");
        var operations = paths.EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject().Select(operation => (Name: $"{operation.Name.ToUpperInvariant()} {path.Name}", operation.Value)))
            .ToList();

        var ids = operations.Select(o => o.Value.TryGetProperty("operationId", out var id) ? id.GetString() : null).ToList();
        Assert.All(operations, o => Assert.False(string.IsNullOrWhiteSpace(o.Value.TryGetProperty("summary", out var summary) ? summary.GetString() : null), $"{o.Name} has no summary"));
        Assert.DoesNotContain(null, ids);
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.All(operations, o =>
            Assert.True(o.Value.GetProperty("responses").EnumerateObject().Any(r => r.Name.StartsWith('4')), $"{o.Name} describes no 4xx response"));
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
    public async Task Every_answer_received_in_the_tests_so_far_is_described_by_the_document()
    {
        // Answers of several kinds, whatever ran before; the host checks every answer of the run again when it stops.
        var api = new ApiDriver(host);
        var ws = await api.Workspace();
        var niche = await api.Niche(ws);
        await api.Get($"/api/v1/admin/niches/{niche.Id("niche_id")}", api.Tokens.Ops(ws));
        await api.Get("/api/v1/admin/niches?limit=0", api.Tokens.Ops(ws));
        await api.Get("/api/v1/admin/niches", null);
        await api.Post("/api/v1/admin/niches", api.Tokens.AdminWithoutMfa(ws), new { name = "x" });

        var recorded = ResponseRecorder.All.ToArray();
        Assert.Empty(OpenApiContract.Undocumented(await Document(), recorded));
        Assert.True(recorded.Length >= 5);
    }

    [Fact]
    public async Task The_check_catches_an_undocumented_answer()
    {
        var invented = new RecordedResponse("GET", $"/api/v1/admin/niches/{Guid.NewGuid()}", 418, "application/problem+json", "{}");

        Assert.Single(OpenApiContract.Undocumented(await Document(), [invented]));
    }
}
