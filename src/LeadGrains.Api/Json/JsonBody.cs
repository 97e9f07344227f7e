using System.Text.Json;
using LeadGrains.Api.Errors;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace LeadGrains.Api.Json;

/// <summary>
/// Reads a request's JSON body strictly. Wrong content type → 415; missing, malformed or mistyped
/// JSON, unknown or privileged fields, strings that could not be stored (NUL, unpaired surrogates)
/// → 400 with the offending field named; too large → 413 (from the body limit). Each refusal is a problem-details answer and changes nothing.
/// </summary>
public static class JsonBody
{
    // Fields a caller may never set through the API; named so the answer says why.
    private static readonly HashSet<string> Privileged = ["balance_cents", "workspace_id", "status", "id", "provider_id", "created_at", "entry_id"];

    public static async Task<T> Read<T>(HttpContext http) where T : class =>
        await ReadOptional<T>(http) ?? throw ApiProblemException.Validation("body", "A JSON object is required.");

    /// <summary>Like <see cref="Read{T}"/>, but an empty body is allowed and reads as null.</summary>
    public static async Task<T?> ReadOptional<T>(HttpContext http) where T : class
    {
        var request = http.Request;
        if (request.ContentLength == 0 || http.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody == false)
        {
            return null;
        }
        if (!request.HasJsonContentType())
        {
            throw new ApiProblemException(StatusCodes.Status415UnsupportedMediaType, "The request body must be application/json.");
        }
        var options = http.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        // Bodies are small (the body limit bounds them): read once, check every string, then bind.
        using var body = new MemoryStream();
        await request.Body.CopyToAsync(body, http.RequestAborted);
        var json = body.GetBuffer().AsMemory(0, (int)body.Length);
        StorableStrings.Check(json.Span);
        try
        {
            return JsonSerializer.Deserialize<T>(json.Span, options)
                ?? throw ApiProblemException.Validation("body", "A JSON object is required.");
        }
        catch (JsonException error)
        {
            throw ApiProblemException.Validation(Field(error), Message(error));
        }
    }

    private static string Field(JsonException error)
    {
        var path = error.Path is { Length: > 1 } p && p.StartsWith("$.", StringComparison.Ordinal) ? p[2..] : null;
        if (Unmapped(error) is { } name)
        {
            return path is null || path == name || path.EndsWith("." + name, StringComparison.Ordinal) ? path ?? name : $"{path}.{name}";
        }
        return path ?? "body";
    }

    private static string Message(JsonException error)
    {
        if (Unmapped(error) is { } name)
        {
            return Privileged.Contains(name) ? "cannot be set through this endpoint." : "is not a recognized field.";
        }
        return error.Path is { Length: > 1 }
            ? "has a missing, malformed or wrongly typed value."
            : "The body is not valid JSON.";
    }

    // System.Text.Json names the unmapped property only in its message: "The JSON property 'x' could not be mapped ...".
    private static string? Unmapped(JsonException error)
    {
        const string marker = "The JSON property '";
        var message = error.Message;
        var start = message.IndexOf(marker, StringComparison.Ordinal);
        if (start < 0 || !message.Contains("could not be mapped", StringComparison.Ordinal))
        {
            return null;
        }
        start += marker.Length;
        var end = message.IndexOf('\'', start);
        return end > start ? message[start..end] : null;
    }
}
