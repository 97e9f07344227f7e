using System.Buffers.Text;
using System.Globalization;
using System.Text;
using LeadGrains.Api.Errors;

namespace LeadGrains.Api.Paging;

/// <summary>A keyset position in a list ordered by a growing numeric id (the audit log's): the last id of the previous page.</summary>
public sealed record IdCursor(long Id)
{
    public string Encode() => Base64Url.EncodeToString(Encoding.UTF8.GetBytes($"id:{Id.ToString(CultureInfo.InvariantCulture)}"));

    public static IdCursor? Decode(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }
        try
        {
            var text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(value));
            if (text.StartsWith("id:", StringComparison.Ordinal)
                && long.TryParse(text.AsSpan(3), NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0)
            {
                return new IdCursor(id);
            }
        }
        catch (FormatException)
        {
        }
        throw ApiProblemException.Validation("cursor", "is not a cursor this API issued.");
    }
}
