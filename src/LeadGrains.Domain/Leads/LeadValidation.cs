using System.Net.Mail;
using LeadGrains.Domain.Eligibility;
using LeadGrains.Domain.Text;

namespace LeadGrains.Domain.Leads;

/// <summary>Checks a submitted lead before anything is stored, field by field.</summary>
public static class LeadValidation
{
    public const int MaxNameLength = 100;

    // RFC 5321's limit on a forward path, which is what mail servers actually enforce.
    public const int MaxEmailLength = 254;

    public const long MaxAmountCents = 100_000_000_00;

    /// <summary>
    /// Field errors keyed by the snake_case JSON path of the lead body, ready for a
    /// problem-details answer; an empty dictionary means the lead is valid. Every string, the
    /// free-form attributes too, must be storable (<see cref="StorableText"/>).
    /// </summary>
    public static IReadOnlyDictionary<string, string[]> Validate(
        string? firstName,
        string? lastName,
        string? email,
        string? phone,
        string? state,
        string? zip,
        long? amountCents,
        IReadOnlyDictionary<string, string>? extraAttributes = null)
    {
        var errors = new Dictionary<string, string[]>();
        void Check(string field, string? error)
        {
            if (error is not null)
            {
                errors[field] = [error];
            }
        }

        Check("contact.first_name", NameError("First name", firstName));
        Check("contact.last_name", NameError("Last name", lastName));
        Check("contact.email", EmailError(email));
        Check("contact.phone", PhoneError(phone));
        Check("attributes.state", StateError(state));
        Check("attributes.zip", ZipError(zip));
        Check("attributes.amount_cents", AmountError(amountCents));
        foreach (var (field, text) in new[]
                 {
                     ("contact.first_name", firstName), ("contact.last_name", lastName), ("contact.email", email),
                     ("contact.phone", phone), ("attributes.state", state), ("attributes.zip", zip),
                 })
        {
            Check(field, text is null || StorableText.IsStorable(text) ? null : StorableText.Requirement);
        }
        foreach (var (name, value) in extraAttributes ?? new Dictionary<string, string>())
        {
            Check("attributes", StorableText.IsStorable(name) && StorableText.IsStorable(value) ? null : StorableText.Requirement);
        }
        return errors;
    }

    private static string? NameError(string label, string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return $"{label} is required.";
        }
        return name.Trim().Length > MaxNameLength ? $"{label} must be at most {MaxNameLength} characters." : null;
    }

    private static string? EmailError(string? email)
    {
        if (string.IsNullOrWhiteSpace(email))
        {
            return "Email is required.";
        }
        var trimmed = email.Trim();
        if (trimmed.Length > MaxEmailLength)
        {
            return $"Email must be at most {MaxEmailLength} characters.";
        }
        // MailAddress also accepts display-name forms like "Ann <ann@example.com>" and dotless
        // hosts like "ann@localhost"; neither is an address a provider can write to.
        var plausible = MailAddress.TryCreate(trimmed, out var address)
            && address.Address == trimmed
            && address.Host.Contains('.');
        return plausible ? null : "Email must be a valid email address, such as name@example.com.";
    }

    private static string? PhoneError(string? phone)
    {
        if (string.IsNullOrWhiteSpace(phone))
        {
            return "Phone is required.";
        }
        return ContactNormalization.NormalizePhoneE164(phone) is null
            ? "Phone must be a valid phone number: 10 digits for a US number, or + and the country code for others."
            : null;
    }

    private static string? StateError(string? state)
    {
        if (string.IsNullOrWhiteSpace(state))
        {
            return "State is required.";
        }
        return UsStates.IsValid(state.Trim().ToUpperInvariant())
            ? null
            : "State must be a two-letter US state code, such as TX (DC and PR are accepted).";
    }

    private static string? ZipError(string? zip)
    {
        if (zip is null)
        {
            return null;
        }
        var plausible = zip.Length switch
        {
            5 => zip.All(char.IsAsciiDigit),
            10 => zip[5] == '-' && zip[..5].All(char.IsAsciiDigit) && zip[6..].All(char.IsAsciiDigit),
            _ => false,
        };
        return plausible ? null : "Zip must be 5 digits, or ZIP+4 such as 75201-1234.";
    }

    private static string? AmountError(long? amountCents) =>
        amountCents is < 0 or > MaxAmountCents
            ? $"Amount must be between 0 and {MaxAmountCents} cents."
            : null;
}
