using System.Text.Json;
using System.Text.RegularExpressions;

namespace LeadGrains.Api.Tests.Infrastructure;

/// <summary>Checks recorded answers against the served OpenAPI document: each (method, path, status, content type) must be listed.</summary>
public static class OpenApiContract
{
    public static async Task<JsonElement> Document(HttpClient client)
    {
        var response = await client.GetAsync("/openapi/v1.json");
        response.EnsureSuccessStatusCode();
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
    }

    public static IEnumerable<(string Method, string Path)> Operations(JsonElement document) =>
        document.GetProperty("paths").EnumerateObject().SelectMany(path =>
            path.Value.EnumerateObject().Where(op => op.Name is "get" or "post" or "patch" or "put" or "delete")
                .Select(op => (op.Name.ToUpperInvariant(), path.Name)));

    /// <summary>The recorded API answers the document does not describe, as readable lines (empty when all are).</summary>
    public static IReadOnlyList<string> Undocumented(JsonElement document, IEnumerable<RecordedResponse> recorded)
    {
        var operations = Operations(document)
            .Select(o => (o.Method, o.Path, Pattern: new Regex("^" + Regex.Replace(o.Path, @"\{[^}]+\}", "[^/]+") + "$")))
            .ToList();
        var problems = new List<string>();
        foreach (var response in recorded.Where(r => r.Path.StartsWith("/api/", StringComparison.Ordinal)))
        {
            // The most literal template wins: /leads/import before /leads/{lead_id}.
            var operation = operations
                .Where(o => o.Method == response.Method && o.Pattern.IsMatch(response.Path))
                .OrderBy(o => o.Path.Count(c => c == '{'))
                .Select(o => (string?)o.Path).FirstOrDefault();
            if (operation is null)
            {
                if (response.Status is not (404 or 405))
                {
                    problems.Add($"{response.Method} {response.Path} → {response.Status}: no such operation in the document");
                }
                continue;
            }
            var responses = document.GetProperty("paths").GetProperty(operation).GetProperty(response.Method.ToLowerInvariant()).GetProperty("responses");
            if (!responses.TryGetProperty(response.Status.ToString(), out var described))
            {
                problems.Add($"{response.Method} {operation} answered {response.Status}, which the document does not list");
            }
            else if (response.Body.Length > 0 && described.TryGetProperty("content", out var content) && !content.TryGetProperty(response.ContentType ?? "", out _))
            {
                problems.Add($"{response.Method} {operation} {response.Status}: content type {response.ContentType} not documented");
            }
        }
        return problems.Distinct().ToList();
    }
}
