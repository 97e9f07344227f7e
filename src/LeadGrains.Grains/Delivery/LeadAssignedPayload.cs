using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace LeadGrains.Grains.Delivery;

/// <summary>
/// The webhook body of an assignment, in the Standard Webhooks shape (<c>type</c>, <c>timestamp</c>,
/// <c>data</c>): the lead's contact and attributes, level, price and assignment id. Built the same on
/// every try, so a receiver deduplicating by webhook-id sees the same content.
/// </summary>
public static class LeadAssignedPayload
{
    public const string EventType = "lead.assigned";

    public static string Json(DeliveryWork work)
    {
        var attributes = new JsonObject
        {
            ["state"] = work.State,
            ["zip"] = work.Zip,
            ["amount_cents"] = work.AmountCents,
        };
        foreach (var (name, value) in JsonSerializer.Deserialize<Dictionary<string, string>>(work.Attributes) ?? [])
        {
            attributes[name] ??= value;
        }
        var body = new JsonObject
        {
            ["type"] = EventType,
            ["timestamp"] = Utc(work.AssignedAt).ToString("O", CultureInfo.InvariantCulture),
            ["data"] = new JsonObject
            {
                ["assignment_id"] = work.AssignmentId,
                ["lead_id"] = work.LeadId,
                ["provider_id"] = work.ProviderId,
                ["niche"] = new JsonObject { ["niche_id"] = work.NicheId, ["name"] = work.NicheName },
                ["level"] = new JsonObject { ["name"] = work.LevelName },
                ["price_cents"] = work.PriceCents,
                ["assigned_at"] = Utc(work.AssignedAt).ToString("O", CultureInfo.InvariantCulture),
                ["lead"] = new JsonObject
                {
                    ["contact"] = new JsonObject
                    {
                        ["first_name"] = work.FirstName,
                        ["last_name"] = work.LastName,
                        ["email"] = work.Email,
                        ["phone"] = work.Phone,
                    },
                    ["attributes"] = attributes,
                },
            },
        };
        return body.ToJsonString();
    }

    private static DateTimeOffset Utc(DateTime at) => new(DateTime.SpecifyKind(at, DateTimeKind.Utc));
}
