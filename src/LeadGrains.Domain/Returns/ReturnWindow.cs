namespace LeadGrains.Domain.Returns;

/// <summary>Whether an assignment may still be returned.</summary>
public static class ReturnWindow
{
    /// <summary>Open up to and including the instant the window ends.</summary>
    public static bool IsOpen(DateTimeOffset assignedAt, DateTimeOffset now, TimeSpan window) => now - assignedAt <= window;
}
