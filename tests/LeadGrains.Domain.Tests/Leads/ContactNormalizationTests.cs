using LeadGrains.Domain.Leads;

namespace LeadGrains.Domain.Tests.Leads;

public sealed class ContactNormalizationTests
{
    [Theory]
    [InlineData(" Foo@X.com ", "foo@x.com")]
    [InlineData("foo@x.com", "foo@x.com")]
    [InlineData("\tANN.LEE@Example.ORG\n", "ann.lee@example.org")]
    public void Emails_are_trimmed_and_lower_cased(string email, string expected)
    {
        Assert.Equal(expected, ContactNormalization.NormalizeEmail(email));
    }

    [Theory]
    [InlineData("(214) 555-0100", "+12145550100")]
    [InlineData("214.555.0100", "+12145550100")]
    [InlineData("2145550100", "+12145550100")]
    [InlineData("1-214-555-0100", "+12145550100")]
    [InlineData("+1 214 555 0100", "+12145550100")]
    [InlineData("+12145550100", "+12145550100")]
    [InlineData("+44 20 7946 0958", "+442079460958")]
    [InlineData("+43 1 2345678", "+4312345678")]
    [InlineData("+49 30 1234", "+49301234")]
    public void Phones_become_e164(string phone, string expected)
    {
        Assert.Equal(expected, ContactNormalization.NormalizePhoneE164(phone));
    }

    [Theory]
    [InlineData("")]
    [InlineData("555-0100")]
    [InlineData("22145550100")]
    [InlineData("442079460958")]
    [InlineData("+1234567")]
    [InlineData("+1234567890123456")]
    [InlineData("call me")]
    public void Numbers_that_cannot_be_e164_normalize_to_null(string phone)
    {
        Assert.Null(ContactNormalization.NormalizePhoneE164(phone));
    }
}
