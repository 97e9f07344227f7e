using LeadGrains.Domain.Controls;
using NodaTime;

namespace LeadGrains.Domain.Tests.Controls;

public sealed class DeliveryHoursTests
{
    private static readonly DeliveryHours Weekdays9To5 = new(
        [.. new[] { IsoDayOfWeek.Monday, IsoDayOfWeek.Tuesday, IsoDayOfWeek.Wednesday, IsoDayOfWeek.Thursday, IsoDayOfWeek.Friday }
            .Select(d => new DeliveryWindow(d, 9 * 60, 17 * 60))]);

    [Theory]
    [InlineData(8, 59, 59, false)]
    [InlineData(9, 0, 0, true)]
    [InlineData(16, 59, 59, true)]
    [InlineData(17, 0, 0, false)]
    public void A_window_includes_its_first_minute_and_excludes_its_end(int hour, int minute, int second, bool open) =>
        Assert.Equal(open, Weekdays9To5.IsOpen(new LocalDateTime(2027, 1, 6, hour, minute, second)));

    [Fact]
    public void A_window_holds_only_on_its_own_day()
    {
        Assert.False(Weekdays9To5.IsOpen(new LocalDateTime(2027, 1, 9, 12, 0)));   // a Saturday
    }

    [Fact]
    public void A_window_to_the_end_of_the_day_holds_its_last_minute()
    {
        var lateNight = new DeliveryHours([new DeliveryWindow(IsoDayOfWeek.Saturday, 22 * 60, DeliveryWindow.EndOfDay)]);

        Assert.True(lateNight.IsOpen(new LocalDateTime(2027, 1, 9, 23, 59, 59)));
        Assert.False(lateNight.IsOpen(new LocalDateTime(2027, 1, 10, 0, 0)));
    }

    [Fact]
    public void Hours_lie_within_others_only_window_by_window()
    {
        var allowed = new DeliveryHours([new DeliveryWindow(IsoDayOfWeek.Monday, 8 * 60, 20 * 60)]);

        Assert.True(new DeliveryHours([new DeliveryWindow(IsoDayOfWeek.Monday, 9 * 60, 12 * 60)]).Within(allowed));
        Assert.False(new DeliveryHours([new DeliveryWindow(IsoDayOfWeek.Monday, 7 * 60, 12 * 60)]).Within(allowed));
        Assert.False(new DeliveryHours([new DeliveryWindow(IsoDayOfWeek.Tuesday, 9 * 60, 12 * 60)]).Within(allowed));
    }
}
