using LeadGrains.Domain.Leads;
using LeadGrains.Domain.Text;

namespace LeadGrains.Domain.Tests.Leads;

public sealed class StorableTextTests
{
    // Built in code: an attribute's string cannot carry half a surrogate pair (it is stored as UTF-8).
    private static readonly (string Text, bool Storable)[] Cases =
    [
        ("Ann", true),
        ("", true),
        ("smile \ud83d\ude00", true),
        ("A\0nn", false),
        (new string('\ud800', 1), false),
        ("x" + '\ud800' + "y", false),
        ('\udc00' + "x", false),
        (string.Concat('\ude00', '\ud83d'), false),
    ];

    [Fact]
    public void Text_is_storable_without_NUL_and_with_every_surrogate_paired() =>
        Assert.All(Cases, c => Assert.True(StorableText.IsStorable(c.Text) == c.Storable, $"{Convert.ToHexString(System.Text.Encoding.Unicode.GetBytes(c.Text))}: expected {c.Storable}"));

    [Fact]
    public void A_lead_with_a_NUL_or_an_unpaired_surrogate_anywhere_is_invalid()
    {
        var errors = LeadValidation.Validate("A\0nn", "Ames", "ann@example.com", "2145550100", "TX", null, null,
            new Dictionary<string, string> { ["note"] = new string('\ud800', 1) });

        Assert.Equal(["attributes", "contact.first_name"], errors.Keys.Order());
    }
}
