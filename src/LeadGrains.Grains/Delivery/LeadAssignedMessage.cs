using System.Globalization;
using System.Text.Json;
using LeadGrains.Domain.Delivery;

namespace LeadGrains.Grains.Delivery;

/// <summary>The <c>lead_assigned</c> message of a delivery: its workspace's template (or the built-in one) filled in.</summary>
public static class LeadAssignedMessage
{
    public static MessageTemplate TemplateOf(DeliveryWork work) =>
        work.TemplateSubject is not null && work.TemplateText is not null && work.TemplateHtml is not null
            ? new MessageTemplate(work.TemplateSubject, work.TemplateText, work.TemplateHtml)
            : MessageTemplate.LeadAssigned;

    public static RenderedMessage Render(DeliveryWork work, string selfServiceUrl) => TemplateOf(work).Render(Values(work, selfServiceUrl));

    public static IReadOnlyDictionary<string, string> Values(DeliveryWork work, string selfServiceUrl)
    {
        var extra = JsonSerializer.Deserialize<Dictionary<string, string>>(work.Attributes) ?? [];
        var attributes = extra.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => $"{a.Key}: {a.Value}");
        if (work.AmountCents is { } amount)
        {
            attributes = attributes.Prepend("amount: " + Dollars(amount));
        }
        return new Dictionary<string, string>
        {
            ["niche_name"] = work.NicheName,
            ["provider_name"] = work.ProviderName,
            ["level_name"] = work.LevelName,
            ["amount_charged"] = Dollars(work.PriceCents),
            ["assignment_id"] = work.AssignmentId.ToString(),
            ["assigned_at"] = DateTime.SpecifyKind(work.AssignedAt, DateTimeKind.Utc).ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture),
            ["lead_first_name"] = work.FirstName,
            ["lead_last_name"] = work.LastName,
            ["lead_email"] = work.Email,
            ["lead_phone"] = work.Phone,
            ["lead_state"] = work.State,
            ["lead_zip"] = work.Zip ?? "",
            ["lead_attributes"] = string.Join("\n", attributes),
            ["self_service_url"] = selfServiceUrl,
        };
    }

    /// <summary>Cents as dollars for people to read ($1,234.50); money stays integer cents everywhere else.</summary>
    public static string Dollars(long cents) =>
        (cents < 0 ? "-" : "") + "$" + (Math.Abs(cents) / 100).ToString("N0", CultureInfo.InvariantCulture) + "." + (Math.Abs(cents) % 100).ToString("00", CultureInfo.InvariantCulture);
}
