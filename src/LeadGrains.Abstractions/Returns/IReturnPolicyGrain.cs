namespace LeadGrains.Abstractions.Returns;

/// <summary>A workspace's return rules (key: the workspace id).</summary>
public interface IReturnPolicyGrain : IGrainWithGuidKey
{
    /// <summary>The workspace's rules, or the defaults if it never set any.</summary>
    /// <param name="cancellationToken">Cancels the call and its database query (a caller that went away).</param>
    Task<ReturnPolicy> Get(CancellationToken cancellationToken = default);

    /// <summary>Replaces the rules, audited with <paramref name="actor"/>. Throws <see cref="ValidationFailedException"/> on bad rules.</summary>
    Task<ReturnPolicy> Set(ReturnPolicy policy, string actor);
}
