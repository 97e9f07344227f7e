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

    public static async Task True(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "Timed out waiting until " + what);
            await Task.Delay(25);
        }
    }

    /// <summary>Waits (bounded) until the query gives a value, and returns it.</summary>
    public static async Task<T> Value<T>(Func<Task<T?>> query, string what) where T : class
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            if (await query() is { } value)
            {
                return value;
            }
            Assert.True(DateTime.UtcNow < deadline, "Timed out waiting until " + what);
            await Task.Delay(25);
        }
    }
}
