using System.Globalization;
using System.Text;
using System.Text.Json;
using LeadGrains.Api.Auth;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace LeadGrains.Api.Tests.Infrastructure;

/// <summary>
/// The endpoint and schema reference that ends docs/API.md, rendered from the served OpenAPI
/// document, with who may call each endpoint read from its authorization policy: what the running
/// API does, so the file cannot drift from it unnoticed. Everything above <see cref="Marker"/> is
/// written by hand and kept as it is.
/// </summary>
public static class ApiReference
{
    public const string Marker =
        "<!-- Everything below is rendered from the served OpenAPI document (/openapi/v1.json) by the API tests; "
        + "regenerate it with deploy/local/api-reference.sh, do not edit it by hand. -->";

    private static readonly string[] Methods = ["get", "post", "put", "patch", "delete"];

    /// <summary>The file as it should be: its hand-written part, then the reference rendered now.</summary>
    public static string Apply(string file, string reference)
    {
        var at = file.IndexOf(Marker, StringComparison.Ordinal);
        var handWritten = at < 0 ? file.TrimEnd() + "\n\n" : file[..at];
        return handWritten + Marker + "\n\n" + reference;
    }

    public static async Task<string> Render(JsonElement document, IServiceProvider services)
    {
        var callers = await Callers(services);
        var text = new StringBuilder();
        text.Append("## Endpoints\n");
        var operations = document.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject().Where(op => Methods.Contains(op.Name))
                .Select(op => (Path: path.Name, Method: op.Name.ToUpperInvariant(), Operation: op.Value)))
            .ToList();
        foreach (var tag in document.GetProperty("tags").EnumerateArray().Select(t => t.GetProperty("name").GetString()!))
        {
            var tagged = operations.Where(o => o.Operation.TryGetProperty("tags", out var tags) && tags.EnumerateArray().Any(t => t.GetString() == tag)).ToList();
            if (tagged.Count == 0)
            {
                continue;
            }
            text.Append(CultureInfo.InvariantCulture, $"\n### {tag}\n\n");
            text.Append("| Operation | Who may call | Parameters | Request body | Answers |\n| --- | --- | --- | --- | --- |\n");
            foreach (var (path, method, operation) in tagged)
            {
                var who = callers.GetValueOrDefault($"{method} {path}", "?");
                text.Append(CultureInfo.InvariantCulture, $"| `{method} {path}` | {who} | {Parameters(operation)} | {RequestBody(operation)} | {Answers(operation)} |\n");
            }
        }

        text.Append("\n## Schemas\n");
        foreach (var schema in document.GetProperty("components").GetProperty("schemas").EnumerateObject().OrderBy(s => s.Name, StringComparer.Ordinal))
        {
            text.Append(CultureInfo.InvariantCulture, $"\n### {schema.Name}\n\n");
            if (!schema.Value.TryGetProperty("properties", out var properties))
            {
                text.Append(CultureInfo.InvariantCulture, $"{Type(schema.Value)}.\n");
                continue;
            }
            var required = schema.Value.TryGetProperty("required", out var names) ? names.EnumerateArray().Select(n => n.GetString()).ToHashSet() : [];
            text.Append("| Field | Type | Required |\n| --- | --- | --- |\n");
            foreach (var property in properties.EnumerateObject())
            {
                text.Append(CultureInfo.InvariantCulture, $"| `{property.Name}` | {Type(property.Value)} | {(required.Contains(property.Name) ? "yes" : "")} |\n");
            }
        }
        return text.ToString();
    }

    /// <summary>"METHOD /path" → who may call it, from the endpoint's authorization policy.</summary>
    private static async Task<Dictionary<string, string>> Callers(IServiceProvider services)
    {
        var policies = services.GetRequiredService<IAuthorizationPolicyProvider>();
        var callers = new Dictionary<string, string>();
        foreach (var endpoint in services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            var policy = endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Select(a => a.Policy).FirstOrDefault(p => p is not null);
            var who = policy is null ? "anyone" : Describe((await policies.GetPolicyAsync(policy))!);
            foreach (var method in endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? [])
            {
                callers[$"{method} /{endpoint.RoutePattern.RawText!.Trim('/')}"] = who;
            }
        }
        return callers;
    }

    private static string Describe(AuthorizationPolicy policy)
    {
        var roles = policy.Requirements.OfType<RoleRequirement>().SelectMany(r => r.Roles).Select(r => $"`{r}`");
        var who = string.Join(" or ", roles);
        if (policy.Requirements.OfType<MfaRequirement>().Any())
        {
            who += ", with MFA";
        }
        if (policy.Requirements.OfType<ProviderRequirement>().Any())
        {
            who += ", its own data";
        }
        return who;
    }

    private static string Parameters(JsonElement operation)
    {
        if (!operation.TryGetProperty("parameters", out var parameters))
        {
            return "";
        }
        var byPlace = parameters.EnumerateArray()
            .GroupBy(p => p.GetProperty("in").GetString()!)
            .Select(place => $"{place.Key}: {string.Join(", ", place.Select(p => $"`{p.GetProperty("name").GetString()}`"))}");
        return string.Join("; ", byPlace);
    }

    private static string RequestBody(JsonElement operation) =>
        operation.TryGetProperty("requestBody", out var body) ? Content(body) : "";

    private static string Answers(JsonElement operation)
    {
        var responses = operation.GetProperty("responses").EnumerateObject().OrderBy(r => r.Name, StringComparer.Ordinal).ToList();
        var answers = responses.Where(r => !IsProblem(r.Value))
            .Select(r => r.Value.TryGetProperty("content", out _) ? $"{r.Name} {Content(r.Value)}" : r.Name).ToList();
        var problems = responses.Where(r => IsProblem(r.Value)).Select(r => r.Name).ToList();
        if (problems.Count > 0)
        {
            answers.Add("problems " + string.Join(", ", problems));
        }
        return string.Join("; ", answers);
    }

    private static bool IsProblem(JsonElement response) =>
        response.TryGetProperty("content", out var content) && content.TryGetProperty("application/problem+json", out _);

    /// <summary>A body: its schema when it is JSON, otherwise its media type.</summary>
    private static string Content(JsonElement described)
    {
        if (!described.TryGetProperty("content", out var content))
        {
            return "";
        }
        return string.Join(" or ", content.EnumerateObject().Select(media =>
            media.Name == "application/json" && media.Value.TryGetProperty("schema", out var schema) ? Type(schema) : $"`{media.Name}`"));
    }

    private static string Type(JsonElement schema)
    {
        if (schema.TryGetProperty("$ref", out var reference))
        {
            var name = reference.GetString()!.Split('/')[^1];
            return $"[{name}](#{name.ToLowerInvariant()})";
        }
        List<string> kinds;
        var nullable = false;
        if (schema.TryGetProperty("oneOf", out var oneOf))
        {
            var members = oneOf.EnumerateArray().ToList();
            nullable = members.Any(m => m.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String && t.GetString() == "null");
            kinds = members.Where(m => !(m.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String && t.GetString() == "null")).Select(Type).ToList();
        }
        else
        {
            var types = !schema.TryGetProperty("type", out var type) ? []
                : type.ValueKind == JsonValueKind.Array ? type.EnumerateArray().Select(t => t.GetString()!).ToList()
                : [type.GetString()!];
            nullable = types.Remove("null");
            kinds = types.Select(t => Kind(t, schema)).ToList();
        }
        var described = kinds.Count == 0 ? "any JSON value" : string.Join(" or ", kinds);
        return nullable ? described + ", nullable" : described;
    }

    private static string Kind(string type, JsonElement schema) => type switch
    {
        "array" => "array of " + (schema.TryGetProperty("items", out var items) ? Type(items) : "any JSON value"),
        "object" when schema.TryGetProperty("additionalProperties", out var values) && values.ValueKind == JsonValueKind.Object =>
            "map of string to " + Type(values),
        _ => schema.TryGetProperty("format", out var format) ? $"{type} ({format.GetString()})" : type,
    };
}
