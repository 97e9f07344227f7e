namespace LeadGrains.Domain.Eligibility;

public enum EligibilityVerdict
{
    Eligible,
    NotEligible,

    /// <summary>A filter could not be evaluated; the caller skips the candidate with reason eligibility_error.</summary>
    Error,
}
