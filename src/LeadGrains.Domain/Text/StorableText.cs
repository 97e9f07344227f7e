namespace LeadGrains.Domain.Text;

/// <summary>
/// What a string must be to be stored: PostgreSQL's text cannot hold a NUL character, and half of a
/// UTF-16 surrogate pair has no UTF-8 encoding. Either would fail at the database as a fault (a 500),
/// so input is checked where it enters and refused as invalid.
/// </summary>
public static class StorableText
{
    public const string Requirement = "must not contain NUL characters or unpaired UTF-16 surrogates.";

    public static bool IsStorable(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\0' || char.IsLowSurrogate(c))
            {
                return false;
            }
            if (char.IsHighSurrogate(c))
            {
                if (i + 1 == text.Length || !char.IsLowSurrogate(text[i + 1]))
                {
                    return false;
                }
                i++;
            }
        }
        return true;
    }
}
