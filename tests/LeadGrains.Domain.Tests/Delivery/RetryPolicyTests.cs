using LeadGrains.Domain.Delivery;

namespace LeadGrains.Domain.Tests.Delivery;

public sealed class RetryPolicyTests
{
    private static readonly RetryPolicy Policy = new(TimeSpan.FromSeconds(10), TimeSpan.FromHours(1), 0.2);
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(1, 10)]
    [InlineData(2, 20)]
    [InlineData(3, 40)]
    [InlineData(12, 3600)]   // capped
    public void The_delay_doubles_per_failed_attempt_up_to_the_cap(int attempt, double seconds)
    {
        Assert.Equal(TimeSpan.FromSeconds(seconds), Policy.Backoff(attempt, 0.5));
        Assert.Equal(TimeSpan.FromSeconds(seconds * 0.8), Policy.Backoff(attempt, 0));
        Assert.True(Policy.Backoff(attempt, 0.999999) < TimeSpan.FromSeconds(seconds * 1.2));
    }

    [Fact]
    public void Accepted_is_delivered_and_permanent_is_dead_at_once()
    {
        Assert.Equal(DeliveryStep.Delivered, Policy.After(AttemptOutcome.Accepted, 1, Now.AddDays(1), Now, null, 0.5));
        Assert.Equal(DeliveryStep.Dead, Policy.After(AttemptOutcome.Permanent, 1, Now.AddDays(1), Now, null, 0.5));
    }

    [Fact]
    public void A_longer_Retry_After_wins_and_a_shorter_one_does_not()
    {
        Assert.Equal(Now.AddMinutes(5), Policy.After(AttemptOutcome.Retryable, 1, Now.AddDays(1), Now, TimeSpan.FromMinutes(5), 0.5).NextAttemptAt);
        Assert.Equal(Now.AddSeconds(10), Policy.After(AttemptOutcome.Retryable, 1, Now.AddDays(1), Now, TimeSpan.FromSeconds(1), 0.5).NextAttemptAt);
    }

    [Fact]
    public void A_retry_that_would_fall_past_the_give_up_time_is_dead_instead()
    {
        Assert.Equal("pending", Policy.After(AttemptOutcome.Retryable, 1, Now.AddSeconds(11), Now, null, 0.5).State);
        Assert.Equal(DeliveryStep.Dead, Policy.After(AttemptOutcome.Retryable, 1, Now.AddSeconds(9), Now, null, 0.5));
    }

    [Theory]
    [InlineData(200, AttemptOutcome.Accepted)]
    [InlineData(204, AttemptOutcome.Accepted)]
    [InlineData(408, AttemptOutcome.Retryable)]
    [InlineData(429, AttemptOutcome.Retryable)]
    [InlineData(500, AttemptOutcome.Retryable)]
    [InlineData(503, AttemptOutcome.Retryable)]
    [InlineData(301, AttemptOutcome.Permanent)]
    [InlineData(400, AttemptOutcome.Permanent)]
    [InlineData(401, AttemptOutcome.Permanent)]
    [InlineData(404, AttemptOutcome.Permanent)]
    [InlineData(410, AttemptOutcome.Permanent)]
    public void Status_codes_are_classified(int status, AttemptOutcome outcome) => Assert.Equal(outcome, HttpAnswer.Classify(status));
}
