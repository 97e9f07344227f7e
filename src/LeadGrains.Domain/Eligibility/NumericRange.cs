namespace LeadGrains.Domain.Eligibility;

/// <summary>Inclusive bounds on a numeric free-form attribute; a null bound is open.</summary>
public sealed record NumericRange(string Attribute, decimal? Min, decimal? Max);
