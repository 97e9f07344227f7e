using System.Net.Mail;
using System.Text.RegularExpressions;
using LeadGrains.Abstractions.Providers;

namespace LeadGrains.Domain.Providers;

/// <summary>Field checks for provider commands; errors are keyed by the API's snake_case field names.</summary>
public static partial class ProviderValidation
{
    public static Dictionary<string, string[]> Check(RegisterProviderCommand command)
    {
        var errors = new Dictionary<string, string[]>();
        CheckName(command.Name, errors);
        CheckEmail(command.Email, errors);
        CheckWebhook(command.WebhookUrl, errors);
        CheckSmsPhone(command.SmsPhone, errors);
        return errors;
    }

    public static Dictionary<string, string[]> Check(ProviderUpdate update)
    {
        var errors = new Dictionary<string, string[]>();
        if (update.Name is not null) CheckName(update.Name, errors);
        if (update.Email is not null) CheckEmail(update.Email, errors);
        if (update.WebhookUrl is not "") CheckWebhook(update.WebhookUrl, errors);
        if (update.SmsPhone is not "") CheckSmsPhone(update.SmsPhone, errors);
        if (update.Status is not null and not ("active" or "inactive"))
        {
            errors["status"] = ["must be \"active\" or \"inactive\"."];
        }
        return errors;
    }

    public static Dictionary<string, string[]> Check(DepositCommand command)
    {
        var errors = new Dictionary<string, string[]>();
        if (command.AmountCents is <= 0 or > 100_000_000_00)
        {
            errors["amount_cents"] = ["must be between 1 and 10000000000 cents."];
        }
        if (string.IsNullOrWhiteSpace(command.IdempotencyKey) || command.IdempotencyKey.Length > 200)
        {
            errors["idempotency_key"] = ["is required, at most 200 characters."];
        }
        if (command.Reference is { Length: > 200 })
        {
            errors["reference"] = ["must be at most 200 characters."];
        }
        return errors;
    }

    private static void CheckName(string? name, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Length > 200)
        {
            errors["name"] = ["is required, at most 200 characters."];
        }
    }

    private static void CheckEmail(string? email, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(email) || email.Length > 254 || !MailAddress.TryCreate(email, out var parsed) || parsed.Address != email.Trim())
        {
            errors["email"] = ["must be a valid e-mail address."];
        }
    }

    private static void CheckSmsPhone(string? phone, Dictionary<string, string[]> errors)
    {
        if (phone is not null && !SmsPhonePattern().IsMatch(phone))
        {
            errors["sms_phone"] = ["must be an E.164 number such as +12145550123."];
        }
    }

    [GeneratedRegex(@"^\+[1-9][0-9]{6,14}$")]
    private static partial Regex SmsPhonePattern();

    private static void CheckWebhook(string? url, Dictionary<string, string[]> errors)
    {
        if (url is not null && (url.Length > 2000 || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")))
        {
            errors["webhook_url"] = ["must be an absolute http or https URL."];
        }
    }
}
