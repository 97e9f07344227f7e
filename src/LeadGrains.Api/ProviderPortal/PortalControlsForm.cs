using System.Globalization;
using LeadGrains.Abstractions.Niches;
using LeadGrains.Api.ProviderSelfService;

namespace LeadGrains.Api.ProviderPortal;

/// <summary>
/// The portal's form for a subscription's caps, budgets and delivery hours: read into the same request
/// the self-service API takes, so the niche grain applies the same bounds; and its refusals in words a
/// provider reads (labels instead of field names, budgets in dollars).
/// </summary>
public static class PortalControlsForm
{
    /// <summary>The form's cap fields, in the order shown: form name, label, and whether it is money.</summary>
    public static readonly IReadOnlyList<(string Name, string Label, bool Money)> CapFields =
    [
        ("leads_per_day", "Leads per day", false),
        ("leads_per_week", "Leads per week", false),
        ("leads_per_month", "Leads per month", false),
        ("budget_per_day", "Budget per day ($)", true),
        ("budget_per_week", "Budget per week ($)", true),
        ("budget_per_month", "Budget per month ($)", true),
    ];

    /// <summary>The request the form describes, or what in it cannot be read (each a sentence); nothing is sent then.</summary>
    public static (OwnControlsRequest? Request, IReadOnlyList<string> Errors) Read(IFormCollection form)
    {
        var errors = new List<string>();
        int? Leads(string name, string label)
        {
            var text = form[name].ToString().Trim();
            if (text.Length == 0)
            {
                return null;
            }
            if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
            {
                return value;
            }
            errors.Add($"{label}: write a whole number of leads, or leave it empty for no cap.");
            return null;
        }
        long? Cents(string name, string label)
        {
            var text = form[name].ToString().Trim().TrimStart('$');
            if (text.Length == 0)
            {
                return null;
            }
            if (decimal.TryParse(text, NumberStyles.AllowDecimalPoint | NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out var dollars)
                && decimal.Round(dollars, 2) == dollars && dollars * 100 <= long.MaxValue)
            {
                return (long)(dollars * 100);
            }
            errors.Add($"{label}: write an amount in dollars with at most two decimals, or leave it empty for no budget.");
            return null;
        }
        var caps = new SubscriptionCapsSpec(
            Leads("leads_per_day", "Leads per day"), Leads("leads_per_week", "Leads per week"), Leads("leads_per_month", "Leads per month"),
            Cents("budget_per_day", "Budget per day"), Cents("budget_per_week", "Budget per week"), Cents("budget_per_month", "Budget per month"));
        var hours = Hours(form["delivery_hours"].ToString(), errors);
        return errors.Count > 0 ? (null, errors) : (new OwnControlsRequest(caps, hours), errors);
    }

    /// <summary>The grain's field errors as sentences; a cap beyond its bound names the bound (in dollars for a budget).</summary>
    public static IReadOnlyList<string> Refusal(IReadOnlyDictionary<string, string[]> errors, ProviderBoundsSpec? bounds) =>
        errors.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => e.Key switch
        {
            "caps.leads_per_day" or "caps.leads_per_week" or "caps.leads_per_month"
                or "caps.budget_cents_per_day" or "caps.budget_cents_per_week" or "caps.budget_cents_per_month"
                when Bound(bounds?.MaxCaps, e.Key["caps.".Length..]) is { } bound
                => $"{Label(e.Key)}: at most {bound} (the bound your admin set), and it must stay set. Nothing was changed.",
            _ => $"{Label(e.Key)}: {string.Join(" ", e.Value)} Nothing was changed.",
        }).ToList();

    /// <summary>The schedule as the form's text shows it: one window a line, <c>monday 09:00-17:00</c>.</summary>
    public static string HoursText(IReadOnlyList<DeliveryWindowSpec>? hours) =>
        hours is null ? "" : string.Join("\n", hours.Select(w => $"{w.Day} {w.From}-{w.To}"));

    /// <summary>A cap's value as the form shows it (dollars for a budget), empty when unset.</summary>
    public static string Value(SubscriptionCapsSpec caps, string name) => Raw(caps, name) switch
    {
        null => "",
        var cents when name.StartsWith("budget_", StringComparison.Ordinal) => (cents.Value / 100m).ToString("0.00", CultureInfo.InvariantCulture),
        var leads => leads.Value.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>A bound as the form shows it beside its field ("at most 50", "at most $500.00"), empty when unbounded.</summary>
    public static string? Bound(SubscriptionCapsSpec? maxCaps, string field)
    {
        var name = field.Replace("budget_cents_", "budget_", StringComparison.Ordinal);
        return maxCaps is null || Raw(maxCaps, name) is not { } raw
            ? null
            : name.StartsWith("budget_", StringComparison.Ordinal)
                ? "$" + (raw / 100m).ToString("#,0.00", CultureInfo.InvariantCulture)
                : raw.ToString(CultureInfo.InvariantCulture);
    }

    private static long? Raw(SubscriptionCapsSpec caps, string name) => name switch
    {
        "leads_per_day" => caps.LeadsPerDay,
        "leads_per_week" => caps.LeadsPerWeek,
        "leads_per_month" => caps.LeadsPerMonth,
        "budget_per_day" => caps.BudgetCentsPerDay,
        "budget_per_week" => caps.BudgetCentsPerWeek,
        "budget_per_month" => caps.BudgetCentsPerMonth,
        _ => null,
    };

    private static string Label(string field) =>
        field.StartsWith("delivery_hours", StringComparison.Ordinal) ? "Delivery hours"
        : CapFields.FirstOrDefault(f => "caps." + f.Name.Replace("budget_", "budget_cents_", StringComparison.Ordinal) == field) is { Label: { } label }
            ? label.Replace(" ($)", "", StringComparison.Ordinal)
            : field;

    private static List<DeliveryWindowSpec>? Hours(string text, List<string> errors)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (lines.Length == 0)
        {
            return null;
        }
        var windows = new List<DeliveryWindowSpec>();
        foreach (var (line, index) in lines.Select((line, index) => (line, index)))
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var span = parts.Length == 2 ? parts[1].Split('-') : [];
            if (span.Length != 2)
            {
                errors.Add($"Delivery hours, line {index + 1}: write one window a line as \"monday 09:00-17:00\".");
                continue;
            }
            windows.Add(new DeliveryWindowSpec(parts[0].ToLowerInvariant(), span[0], span[1]));
        }
        return windows;
    }
}
