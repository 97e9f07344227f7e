using System.Net;
using System.Text.RegularExpressions;

namespace LeadGrains.Domain.Delivery;

/// <summary>
/// A message template: subject, text and HTML parts with <c>{{variable}}</c> placeholders. Only the
/// variables in <see cref="Variables"/> may appear, checked when a template is saved, so a typo is
/// refused then instead of reaching a provider as an empty gap. Values are HTML-encoded in the HTML part.
/// </summary>
public sealed partial record MessageTemplate(string Subject, string Text, string Html)
{
    /// <summary>The variables of the <c>lead_assigned</c> template.</summary>
    public static readonly IReadOnlySet<string> Variables = new HashSet<string>(StringComparer.Ordinal)
    {
        "niche_name", "provider_name", "level_name", "amount_charged", "assignment_id", "assigned_at",
        "lead_first_name", "lead_last_name", "lead_email", "lead_phone", "lead_state", "lead_zip",
        "lead_attributes", "self_service_url",
    };

    public static readonly MessageTemplate LeadAssigned = new(
        "New Lead Assigned - {{niche_name}}",
        """
        Hello {{provider_name}},

        You have a new lead in {{niche_name}} ({{level_name}}), charged {{amount_charged}}.

        Name:  {{lead_first_name}} {{lead_last_name}}
        Email: {{lead_email}}
        Phone: {{lead_phone}}
        State: {{lead_state}}
        Zip:   {{lead_zip}}
        {{lead_attributes}}

        Assignment {{assignment_id}}, {{assigned_at}}.
        Your leads and balance: {{self_service_url}}
        """,
        """
        <html><body>
        <p>Hello {{provider_name}},</p>
        <p>You have a new lead in <b>{{niche_name}}</b> ({{level_name}}), charged <b>{{amount_charged}}</b>.</p>
        <table>
        <tr><td>Name</td><td>{{lead_first_name}} {{lead_last_name}}</td></tr>
        <tr><td>Email</td><td>{{lead_email}}</td></tr>
        <tr><td>Phone</td><td>{{lead_phone}}</td></tr>
        <tr><td>State</td><td>{{lead_state}}</td></tr>
        <tr><td>Zip</td><td>{{lead_zip}}</td></tr>
        </table>
        <pre>{{lead_attributes}}</pre>
        <p>Assignment {{assignment_id}}, {{assigned_at}}.</p>
        <p><a href="{{self_service_url}}">Your leads and balance</a></p>
        </body></html>
        """);

    /// <summary>Field errors (subject, text, html) for placeholders that are not template variables or not closed.</summary>
    public Dictionary<string, string[]> Check()
    {
        var errors = new Dictionary<string, string[]>();
        CheckPart("subject", Subject, 200, errors);
        CheckPart("text", Text, 20_000, errors);
        CheckPart("html", Html, 50_000, errors);
        return errors;
    }

    /// <summary>The message with every placeholder replaced by its value (missing values are empty).</summary>
    public RenderedMessage Render(IReadOnlyDictionary<string, string> values) => new(
        Fill(Subject, values, encode: false).ReplaceLineEndings(" "),
        Fill(Text, values, encode: false),
        Fill(Html, values, encode: true));

    private static string Fill(string part, IReadOnlyDictionary<string, string> values, bool encode) =>
        Placeholder().Replace(part, match =>
        {
            var value = values.GetValueOrDefault(match.Groups[1].Value, "");
            return encode ? WebUtility.HtmlEncode(value) : value;
        });

    private static void CheckPart(string field, string? part, int maxLength, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(part) || part.Length > maxLength)
        {
            errors[field] = [$"is required, at most {maxLength} characters."];
            return;
        }
        var unknown = Placeholder().Matches(part).Select(m => m.Groups[1].Value).Where(v => !Variables.Contains(v)).Distinct().ToList();
        if (unknown.Count > 0)
        {
            errors[field] = [$"uses unknown variable(s) {string.Join(", ", unknown)}; allowed: {string.Join(", ", Variables.Order(StringComparer.Ordinal))}."];
        }
        else if (Placeholder().Replace(part, "").Contains("{{", StringComparison.Ordinal))
        {
            errors[field] = ["has a '{{' that is not a {{variable}} placeholder."];
        }
    }

    [GeneratedRegex(@"\{\{\s*([a-zA-Z0-9_]+)\s*\}\}")]
    private static partial Regex Placeholder();
}
