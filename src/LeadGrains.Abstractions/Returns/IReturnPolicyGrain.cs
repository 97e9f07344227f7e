namespace LeadGrains.Abstractions.Returns;

/// <summary>A workspace's return rules (key: the workspace id).</summary>
public interface IReturnPolicyGrain : IGrainWithGuidKey
{
    /// <summary>The workspace's rules, or the defaults if it never set any.</summary>
    Task<ReturnPolicy> Get();

    /// <summary>Replaces the rules, audited with <paramref name="actor"/>. Throws <see cref="ValidationFailedException"/> on bad rules.</summary>
    Task<ReturnPolicy> Set(ReturnPolicy policy, string actor);
}
