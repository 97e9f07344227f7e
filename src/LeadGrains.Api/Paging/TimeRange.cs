using System.Globalization;
using LeadGrains.Api.Errors;

namespace LeadGrains.Api.Paging;

/// <summary>A half-open period [from, to) from the query string, as ISO 8601 instants.</summary>
public sealed record TimeRange(DateTimeOffset? From, DateTimeOffset? To)
{
    /// <summary>Parses both ends; a malformed instant or an empty period is a 400 naming the field.</summary>
    public static TimeRange Parse(string? from, string? to)
    {
        var range = new TimeRange(Instant("from", from), Instant("to", to));
        if (range is { From: { } start, To: { } end } && end <= start)
        {
            throw ApiProblemException.Validation("to", "must be after from.");
        }
        return range;
    }

    /// <summary>Both ends filled in: <paramref name="defaultLength"/> back from <c>to</c> (or now) when absent; at most <paramref name="maxLength"/> long.</summary>
    public (DateTimeOffset From, DateTimeOffset To) Bounded(DateTimeOffset now, TimeSpan defaultLength, TimeSpan maxLength)
    {
        var end = To ?? now;
        var start = From ?? end - defaultLength;
        if (end - start > maxLength)
        {
            throw ApiProblemException.Validation("from", $"the period may be at most {maxLength.TotalDays:0} days long.");
        }
        return (start, end);
    }

    private static DateTimeOffset? Instant(string field, string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }
        return DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var instant)
            ? instant.ToUniversalTime()
            : throw ApiProblemException.Validation(field, "must be an ISO 8601 date and time, e.g. 2026-01-31T00:00:00Z.");
    }
}
