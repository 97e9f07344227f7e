namespace LeadGrains.Domain.Leads;

/// <summary>
/// The canonical forms of contact details, so the same person typed two ways is recognised as
/// one (dedupe) and phones are stored in one format (E.164).
/// </summary>
public static class ContactNormalization
{
    private const int NorthAmericanNumberLength = 10;
    private const int MinInternationalDigits = 8;
    private const int MaxInternationalDigits = 15;

    public static string NormalizeEmail(string email)
    {
        ArgumentNullException.ThrowIfNull(email);
        return email.Trim().ToLowerInvariant();
    }

    /// <summary>
    /// The E.164 form of a phone number, or null when it cannot be one. Punctuation is ignored;
    /// numbers without a country code are taken as North American (the product's market).
    /// </summary>
    public static string? NormalizePhoneE164(string phone)
    {
        ArgumentNullException.ThrowIfNull(phone);
        var digits = string.Concat(phone.Where(char.IsAsciiDigit));

        // A leading '+' means the number already carries its country code, so "+43 1 2345678"
        // must not be mistaken for a ten-digit North American number.
        if (phone.TrimStart().StartsWith('+'))
        {
            return digits.Length is >= MinInternationalDigits and <= MaxInternationalDigits ? "+" + digits : null;
        }
        return digits.Length switch
        {
            NorthAmericanNumberLength => "+1" + digits,
            NorthAmericanNumberLength + 1 when digits[0] == '1' => "+" + digits,
            _ => null,
        };
    }
}
