namespace LeadGrains.Cluster.Tests.Infrastructure;

/// <summary>
/// Waits (bounded) for work that runs in a grain turn of its own — a queued attempt after approval or
/// a sweep — to finish. It never waits for business time to pass: that is moved with VirtualTime.
/// </summary>
public static class Eventually
{
    // Generous: the whole suite runs its test classes side by side on two cores, and a delivery or
    // a sweep that takes a second alone has been seen to take over 20 s then. Passing tests never wait it out.
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    public static async Task True(Func<Task<bool>> condition, string what, Func<Task<string>>? explain = null)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!await condition())
        {
            await FailAfter(deadline, what, explain);
            await Task.Delay(25);
        }
    }

    /// <summary>Waits (bounded) until the query gives a value, and returns it.</summary>
    public static async Task<T> Value<T>(Func<Task<T?>> query, string what, Func<Task<string>>? explain = null) where T : class
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            if (await query() is { } value)
            {
                return value;
            }
            await FailAfter(deadline, what, explain);
            await Task.Delay(25);
        }
    }

    /// <summary>Fails once the deadline has passed, saying what was awaited and, if the test can tell, the state it was stuck in.</summary>
    private static async Task FailAfter(DateTime deadline, string what, Func<Task<string>>? explain)
    {
        if (DateTime.UtcNow < deadline)
        {
            return;
        }
        Assert.Fail("Timed out waiting until " + what + (explain is null ? "" : "\n" + await explain()));
    }
}
