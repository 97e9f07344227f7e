using System.Diagnostics;
using System.Text.Json;
using LeadGrains.Api.Json;

namespace LeadGrains.Api.Errors;

/// <summary>The RFC 7807 answer every refusal of the API uses: type, title, status, detail, errors.</summary>
public sealed record ProblemBody(string Type, string Title, int Status, string Detail, IReadOnlyDictionary<string, string[]> Errors, string? TraceId);

/// <summary>Writes problem details (<c>application/problem+json</c>).</summary>
public static class Problems
{
    public const string ContentType = "application/problem+json";

    private static readonly IReadOnlyDictionary<string, string[]> NoErrors = new Dictionary<string, string[]>();

    public static ProblemBody Create(HttpContext http, int status, string detail, IReadOnlyDictionary<string, string[]>? errors = null) => new(
        $"urn:leadgrains:problem:{Slug(status)}",
        Title(status),
        status,
        detail,
        errors ?? NoErrors,
        Activity.Current?.TraceId.ToString() ?? http.TraceIdentifier);

    public static async Task Write(HttpContext http, int status, string detail, IReadOnlyDictionary<string, string[]>? errors = null)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = ContentType;
        await JsonSerializer.SerializeAsync(http.Response.Body, Create(http, status, detail, errors), ApiJson.Options, http.RequestAborted);
    }

    public static string Title(int status) => status switch
    {
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        409 => "Conflict",
        413 => "Payload Too Large",
        415 => "Unsupported Media Type",
        422 => "Unprocessable Content",
        429 => "Too Many Requests",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ when status >= 500 => "Internal Server Error",
        _ => "Error",
    };

    private static string Slug(int status) => Title(status).ToLowerInvariant().Replace(' ', '-');
}
