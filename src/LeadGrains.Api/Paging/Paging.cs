using System.Buffers.Text;
using System.Globalization;
using System.Text;
using LeadGrains.Api.Errors;

namespace LeadGrains.Api.Paging;

/// <summary>A page by number: <c>page</c> ≥ 1, <c>limit</c> 1..<see cref="Query.MaxLimit"/>.</summary>
public sealed record PageRequest(int Page, int Limit)
{
    public int Offset => (Page - 1) * Limit;
}

/// <summary>A keyset position: the sort key and id of the last item of the previous page.</summary>
public sealed record Cursor(DateTime At, Guid Id)
{
    public string Encode() => Base64Url.EncodeToString(Encoding.UTF8.GetBytes($"{At.Ticks}:{Id:N}"));

    public static Cursor? Decode(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }
        try
        {
            var parts = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(value)).Split(':');
            if (parts.Length == 2 && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
                && ticks >= DateTime.MinValue.Ticks && ticks <= DateTime.MaxValue.Ticks && Guid.TryParseExact(parts[1], "N", out var id))
            {
                return new Cursor(new DateTime(ticks, DateTimeKind.Utc), id);
            }
        }
        catch (FormatException)
        {
        }
        throw ApiProblemException.Validation("cursor", "is not a cursor this API issued.");
    }
}

/// <summary>Parses query-string paging and filters into field errors rather than silent defaults.</summary>
public static class Query
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 500;
    public const int MaxPage = 100_000;

    public static PageRequest Page(string? page, string? limit) =>
        new(Int("page", page, 1, 1, MaxPage), Limit(limit));

    public static int Limit(string? limit) => Int("limit", limit, DefaultLimit, 1, MaxLimit);

    public static Guid? OptionalId(string field, string? value) =>
        string.IsNullOrEmpty(value) ? null : Id(field, value);

    /// <summary>A UUID from the path or query; anything else is a 400 naming the field.</summary>
    public static Guid Id(string field, string? value) =>
        Guid.TryParse(value, out var id) ? id : throw ApiProblemException.Validation(field, "must be a UUID.");

    public static bool? OptionalBool(string field, string? value) => value switch
    {
        null or "" => null,
        "true" => true,
        "false" => false,
        _ => throw ApiProblemException.Validation(field, "must be true or false."),
    };

    private static int Int(string field, string? value, int fallback, int min, int max)
    {
        if (string.IsNullOrEmpty(value))
        {
            return fallback;
        }
        if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number < min || number > max)
        {
            throw ApiProblemException.Validation(field, $"must be an integer from {min} to {max}.");
        }
        return number;
    }
}
