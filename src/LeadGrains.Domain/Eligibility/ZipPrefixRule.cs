namespace LeadGrains.Domain.Eligibility;

/// <summary>The lead's zip starts with one of the prefixes; a lead without a zip cannot match.</summary>
public sealed class ZipPrefixRule(IEnumerable<string> prefixes) : EligibilityRule
{
    private readonly string[] _prefixes = [.. prefixes];

    public override bool Accepts(LeadProfile lead) =>
        lead.Zip is { } zip && _prefixes.Any(prefix => zip.StartsWith(prefix, StringComparison.Ordinal));
}
