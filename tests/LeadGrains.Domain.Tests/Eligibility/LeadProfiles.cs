using LeadGrains.Domain.Eligibility;

namespace LeadGrains.Domain.Tests.Eligibility;

internal static class LeadProfiles
{
    public static LeadProfile Lead(
        string state = "TX",
        string? zip = "75201",
        long? amountCents = 500_000,
        params (string Key, string Value)[] attributes) =>
        new(state, zip, amountCents, attributes.ToDictionary(attribute => attribute.Key, attribute => attribute.Value));
}
