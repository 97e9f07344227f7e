using System.Globalization;
using System.Text.Json;
using LeadGrains.Abstractions.Niches;
using LeadGrains.Domain.Controls;
using NodaTime;

namespace LeadGrains.Grains.Niches;

/// <summary>
/// Translates a subscription's buyer controls between the wire contract, the domain rules and the
/// stored columns and JSON, collecting field errors for what does not parse.
/// </summary>
public static class ControlsMapping
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private static readonly string[] DayNames = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];

    public static SubscriptionCaps ToDomain(SubscriptionCapsSpec? spec) => spec is null ? SubscriptionCaps.None : new SubscriptionCaps(
        spec.LeadsPerDay, spec.LeadsPerWeek, spec.LeadsPerMonth, spec.BudgetCentsPerDay, spec.BudgetCentsPerWeek, spec.BudgetCentsPerMonth);

    public static SubscriptionCapsSpec ToSpec(SubscriptionCaps caps) => new(
        caps.LeadsPerDay, caps.LeadsPerWeek, caps.LeadsPerMonth, caps.BudgetCentsPerDay, caps.BudgetCentsPerWeek, caps.BudgetCentsPerMonth);

    /// <summary>The schedule, or null for any time; a window that does not parse is reported under <paramref name="field"/>.</summary>
    public static DeliveryHours? ToDomain(IReadOnlyList<DeliveryWindowSpec>? windows, string field, Dictionary<string, string[]> errors)
    {
        if (windows is null)
        {
            return null;
        }
        var parsed = new List<DeliveryWindow>();
        for (var i = 0; i < windows.Count; i++)
        {
            var window = windows[i];
            var day = Array.IndexOf(DayNames, window?.Day?.ToLowerInvariant());
            var from = Minute(window?.From);
            var to = Minute(window?.To);
            if (day < 0 || from is null || to is null)
            {
                errors[$"{field}[{i}]"] = ["needs a day (monday to sunday), from and to as HH:mm (to may be 24:00)."];
                continue;
            }
            parsed.Add(new DeliveryWindow((IsoDayOfWeek)(day + 1), from.Value, to.Value));
        }
        return new DeliveryHours(parsed);
    }

    public static IReadOnlyList<DeliveryWindowSpec>? ToSpec(DeliveryHours? hours) =>
        hours?.Windows.Select(w => new DeliveryWindowSpec(DayNames[(int)w.Day - 1], Clock(w.FromMinute), Clock(w.UntilMinute))).ToList();

    public static string? ToJson(IReadOnlyList<DeliveryWindowSpec>? windows) => windows is null ? null : JsonSerializer.Serialize(windows, Json);

    public static IReadOnlyList<DeliveryWindowSpec>? HoursFromJson(string? json) =>
        json is null ? null : JsonSerializer.Deserialize<List<DeliveryWindowSpec>>(json, Json);

    public static string? ToJson(ProviderBoundsSpec? bounds) => bounds is null ? null : JsonSerializer.Serialize(bounds, Json);

    public static ProviderBoundsSpec? BoundsFromJson(string? json) => json is null ? null : JsonSerializer.Deserialize<ProviderBoundsSpec>(json, Json);

    /// <summary>The stored controls of a subscription as the rules that hold leads back, in its provider's zone.</summary>
    public static SubscriptionLimits LimitsOf(SubscriptionRow row)
    {
        var ignored = new Dictionary<string, string[]>();
        return new SubscriptionLimits(ToDomain(CapsOf(row)), ToDomain(HoursFromJson(row.DeliveryHours), "delivery_hours", ignored),
            CapPeriods.Zone(row.TimeZone) ?? DateTimeZone.Utc);
    }

    public static SubscriptionCapsSpec CapsOf(SubscriptionRow row) => new(
        row.LeadsPerDay, row.LeadsPerWeek, row.LeadsPerMonth, row.BudgetCentsPerDay, row.BudgetCentsPerWeek, row.BudgetCentsPerMonth);

    public static CapPeriod PeriodOf(string name) => name switch
    {
        "day" => CapPeriod.Day,
        "week" => CapPeriod.Week,
        _ => CapPeriod.Month,
    };

    private static int? Minute(string? clock)
    {
        if (clock is "24:00")
        {
            return DeliveryWindow.EndOfDay;
        }
        return clock is { Length: 5 } && TimeOnly.TryParseExact(clock, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var time)
            ? time.Hour * 60 + time.Minute
            : null;
    }

    private static string Clock(int minute) => $"{minute / 60:00}:{minute % 60:00}";
}
