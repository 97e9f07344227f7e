namespace LeadGrains.Abstractions.Leads;

/// <summary>
/// Names the niche of the lead grains called in a flow (Orleans' request context travels with the
/// calls), so that a lead grain it activates is placed beside its niche grain. Only a hint: a wrong or
/// missing one costs a cross-silo call per distribution, never correctness.
/// </summary>
public static class NicheHint
{
    private const string Key = "leadgrains.niche";

    /// <summary>Until disposed, calls made from this flow carry <paramref name="nicheId"/>.</summary>
    public static IDisposable For(Guid nicheId)
    {
        var previous = RequestContext.Get(Key);
        RequestContext.Set(Key, nicheId);
        return new Restore(previous);
    }

    /// <summary>The niche a placement request names, if any.</summary>
    public static Guid? Read(IDictionary<string, object>? requestContext) =>
        requestContext is not null && requestContext.TryGetValue(Key, out var value) && value is Guid nicheId ? nicheId : null;

    private sealed class Restore(object? previous) : IDisposable
    {
        public void Dispose()
        {
            if (previous is null)
            {
                RequestContext.Remove(Key);
            }
            else
            {
                RequestContext.Set(Key, previous);
            }
        }
    }
}
