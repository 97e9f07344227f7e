using NodaTime;

namespace LeadGrains.Domain.Controls;

/// <summary>
/// One stretch of a weekly delivery schedule: a day of the week from <see cref="FromMinute"/>
/// (included) to <see cref="UntilMinute"/> (excluded), in minutes after local midnight; 1440 is the
/// end of the day.
/// </summary>
public sealed record DeliveryWindow(IsoDayOfWeek Day, int FromMinute, int UntilMinute)
{
    public const int EndOfDay = 24 * 60;

    public bool Holds(IsoDayOfWeek day, int minute) => day == Day && minute >= FromMinute && minute < UntilMinute;

    public bool Within(DeliveryWindow other) => Day == other.Day && FromMinute >= other.FromMinute && UntilMinute <= other.UntilMinute;
}
