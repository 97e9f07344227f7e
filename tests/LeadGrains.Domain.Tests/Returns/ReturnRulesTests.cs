using LeadGrains.Domain.Returns;

namespace LeadGrains.Domain.Tests.Returns;

public sealed class ReturnRulesTests
{
    private static readonly DateTimeOffset AssignedAt = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private static ReturnRules Auto(int maxReturns, int maxRatePercent) => ReturnRules.Default with
    {
        AutoApprove = true, AutoApproveMaxReturns = maxReturns, AutoApproveMaxRatePercent = maxRatePercent,
    };

    [Theory]
    [InlineData(0, true)]
    [InlineData(72 * 3600, true)]          // the window's last instant
    [InlineData(72 * 3600 + 1, false)]
    public void The_window_is_open_up_to_and_including_its_end(int secondsLater, bool open)
    {
        Assert.Equal(open, ReturnWindow.IsOpen(AssignedAt, AssignedAt.AddSeconds(secondsLater), TimeSpan.FromHours(72)));
    }

    [Fact]
    public void Without_auto_approval_every_request_is_reviewed()
    {
        Assert.Equal(ReturnRoute.ReviewRequired, ReturnRouting.Route(ReturnRules.Default, 0, 100));
    }

    [Theory]
    [InlineData(0, 10, ReturnRoute.AutoApprove)]
    [InlineData(2, 10, ReturnRoute.AutoApprove)]   // the third of at most three
    [InlineData(3, 10, ReturnRoute.RateLimit)]     // a fourth
    public void Auto_approval_stops_at_the_count_limit(int earlier, int assignments, ReturnRoute expected)
    {
        Assert.Equal(expected, ReturnRouting.Route(Auto(maxReturns: 3, maxRatePercent: 100), earlier, assignments));
    }

    [Theory]
    [InlineData(0, 10, ReturnRoute.AutoApprove)]   // 1 of 10 = 10 %
    [InlineData(1, 10, ReturnRoute.RateLimit)]     // 2 of 10 = 20 %
    [InlineData(0, 0, ReturnRoute.RateLimit)]      // 1 of (at least) 1 = 100 %
    public void Auto_approval_stops_at_the_share_of_assignments_returned(int earlier, int assignments, ReturnRoute expected)
    {
        Assert.Equal(expected, ReturnRouting.Route(Auto(maxReturns: 100, maxRatePercent: 10), earlier, assignments));
    }

    [Fact]
    public void A_request_needs_a_listed_reason_and_a_storable_note_of_at_most_2000_characters()
    {
        Assert.Empty(ReturnValidation.CheckRequest(ReturnRules.Default, "duplicate", null));
        Assert.Equal(["reason"], ReturnValidation.CheckRequest(ReturnRules.Default, "Duplicate", "fine").Keys);
        Assert.Equal(["note"], ReturnValidation.CheckRequest(ReturnRules.Default, "duplicate", new string('x', 2001)).Keys);
        Assert.Equal(["note"], ReturnValidation.CheckRequest(ReturnRules.Default, "duplicate", "bad\0note").Keys);
    }

    [Fact]
    public void Rules_need_every_field_in_range_and_distinct_reason_codes()
    {
        Assert.Empty(ReturnValidation.CheckRules(72, ["wrong_contact"], false, 5, 10, 720));
        Assert.Equal(["auto_approve", "auto_approve_max_rate_percent", "auto_approve_max_returns", "rate_period_hours", "reasons", "window_hours"],
            ReturnValidation.CheckRules(null, null, null, null, null, null).Keys.Order());
        Assert.Equal(["reasons"], ReturnValidation.CheckRules(72, ["a", "a"], false, 5, 10, 720).Keys);
        Assert.Equal(["reasons[1]"], ReturnValidation.CheckRules(72, ["ok", "Not OK"], false, 5, 10, 720).Keys);
        Assert.Equal(["window_hours"], ReturnValidation.CheckRules(8761, ["ok"], false, 5, 10, 720).Keys);
    }
}
