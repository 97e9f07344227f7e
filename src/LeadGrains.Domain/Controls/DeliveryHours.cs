using NodaTime;

namespace LeadGrains.Domain.Controls;

/// <summary>
/// When a subscription takes leads: a weekly schedule of windows in its provider's local time. A
/// local time the clocks skip (spring forward) never occurs; one they repeat (fall back) is open
/// both times if a window holds it.
/// </summary>
public sealed record DeliveryHours(IReadOnlyList<DeliveryWindow> Windows)
{
    public bool IsOpen(LocalDateTime local)
    {
        var minute = local.Hour * 60 + local.Minute;
        foreach (var window in Windows)
        {
            if (window.Holds(local.DayOfWeek, minute))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Every window of this schedule lies inside one window of <paramref name="allowed"/>.</summary>
    public bool Within(DeliveryHours allowed) => Windows.All(w => allowed.Windows.Any(w.Within));
}
