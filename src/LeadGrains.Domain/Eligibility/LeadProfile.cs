namespace LeadGrains.Domain.Eligibility;

/// <summary>What subscription filters may look at in a lead; contact details are deliberately absent.</summary>
/// <param name="State">Two-letter US state code.</param>
/// <param name="Attributes">The lead's free-form attributes, as text.</param>
public sealed record LeadProfile(string State, string? Zip, long? AmountCents, IReadOnlyDictionary<string, string> Attributes);
