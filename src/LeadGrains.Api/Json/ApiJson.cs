using System.Text.Json;
using System.Text.Json.Serialization;

namespace LeadGrains.Api.Json;

/// <summary>
/// The API's one JSON dialect: snake_case, strict. Unknown (or privileged) fields, numbers in
/// strings, duplicate properties, comments and trailing commas are rejected rather than guessed at.
/// </summary>
public static class ApiJson
{
    public static void Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
        options.DictionaryKeyPolicy = null;
        options.PropertyNameCaseInsensitive = false;
        options.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        options.NumberHandling = JsonNumberHandling.Strict;
        options.AllowDuplicateProperties = false;
        options.AllowTrailingCommas = false;
        options.ReadCommentHandling = JsonCommentHandling.Disallow;
        options.MaxDepth = 32;
    }

    /// <summary>A standalone copy of the options, for code outside the HTTP pipeline (audit metadata).</summary>
    public static JsonSerializerOptions Options { get; } = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        Configure(options);
        return options;
    }
}
