using LeadGrains.Domain.Leads;

namespace LeadGrains.Domain.Tests.Leads;

public sealed class LeadValidationTests
{
    private const string FirstName = "Ann";
    private const string LastName = "Lee";
    private const string Email = "ann.lee@example.com";
    private const string Phone = "(214) 555-0100";
    private const string State = "TX";

    [Fact]
    public void A_complete_lead_is_valid()
    {
        Assert.Empty(LeadValidation.Validate(FirstName, LastName, Email, Phone, State, "75201-1234", 250_000));
    }

    [Fact]
    public void Zip_and_amount_are_optional()
    {
        Assert.Empty(LeadValidation.Validate(FirstName, LastName, Email, Phone, State, null, null));
    }

    [Fact]
    public void A_blank_lead_lists_every_required_field()
    {
        var errors = LeadValidation.Validate(null, " ", "", null, null, null, null);

        Assert.Equal(
            ["attributes.state", "contact.email", "contact.first_name", "contact.last_name", "contact.phone"],
            errors.Keys.Order(StringComparer.Ordinal));
        Assert.All(errors.Values, messages => Assert.EndsWith(" is required.", Assert.Single(messages)));
    }

    [Fact]
    public void Names_are_limited_to_one_hundred_characters()
    {
        var hundred = new string('a', 100);

        Assert.Empty(LeadValidation.Validate(hundred, hundred, Email, Phone, State, null, null));
        var errors = LeadValidation.Validate(hundred + "a", hundred + "a", Email, Phone, State, null, null);
        Assert.Equal(["contact.first_name", "contact.last_name"], errors.Keys.Order(StringComparer.Ordinal));
        Assert.Contains("100 characters", errors["contact.first_name"][0]);
    }

    [Theory]
    [InlineData("ann@example.com")]
    [InlineData(" Ann.Lee+leads@mail.example.co.uk ")]
    public void Plausible_emails_are_accepted(string email)
    {
        Assert.DoesNotContain("contact.email", ValidateEmail(email).Keys);
    }

    [Theory]
    [InlineData("ann")]
    [InlineData("ann@")]
    [InlineData("@example.com")]
    [InlineData("ann@localhost")]
    [InlineData("Ann Lee <ann@example.com>")]
    [InlineData("ann lee@example.com")]
    [InlineData("ann@@example.com")]
    public void Implausible_emails_are_rejected(string email)
    {
        Assert.Contains("contact.email", ValidateEmail(email).Keys);
    }

    [Fact]
    public void Emails_are_limited_to_254_characters()
    {
        var label = new string('b', 61);
        var longest = $"{new string('a', 64)}@{label}.{label}.{label}.com";

        Assert.Equal(254, longest.Length);
        Assert.DoesNotContain("contact.email", ValidateEmail(longest).Keys);
        Assert.Contains("254", ValidateEmail("a" + longest)["contact.email"][0]);
    }

    [Theory]
    [InlineData("(214) 555-0100")]
    [InlineData("+44 20 7946 0958")]
    public void Phones_that_normalize_are_accepted(string phone)
    {
        Assert.Empty(LeadValidation.Validate(FirstName, LastName, Email, phone, State, null, null));
    }

    [Theory]
    [InlineData("555-0100")]
    [InlineData("not a phone")]
    public void Phones_that_do_not_normalize_are_rejected(string phone)
    {
        var errors = LeadValidation.Validate(FirstName, LastName, Email, phone, State, null, null);

        Assert.Equal(["contact.phone"], errors.Keys);
    }

    [Theory]
    [InlineData("TX")]
    [InlineData("tx")]
    [InlineData(" pr ")]
    public void States_are_accepted_in_any_case(string state)
    {
        Assert.Empty(LeadValidation.Validate(FirstName, LastName, Email, Phone, state, null, null));
    }

    [Theory]
    [InlineData("Texas")]
    [InlineData("XX")]
    public void Unknown_states_are_rejected(string state)
    {
        var errors = LeadValidation.Validate(FirstName, LastName, Email, Phone, state, null, null);

        Assert.Equal(["attributes.state"], errors.Keys);
    }

    [Theory]
    [InlineData("75201", true)]
    [InlineData("75201-1234", true)]
    [InlineData("7520", false)]
    [InlineData("752011", false)]
    [InlineData("75201-123", false)]
    [InlineData("75201 1234", false)]
    [InlineData("7520a", false)]
    [InlineData("", false)]
    public void Zips_are_five_digits_or_zip_plus_four(string zip, bool valid)
    {
        var errors = LeadValidation.Validate(FirstName, LastName, Email, Phone, State, zip, null);

        Assert.Equal(valid, !errors.ContainsKey("attributes.zip"));
    }

    [Theory]
    [InlineData(0L, true)]
    [InlineData(100_000_000_00L, true)]
    [InlineData(-1L, false)]
    [InlineData(100_000_000_01L, false)]
    public void Amounts_are_between_zero_and_one_hundred_million_dollars(long amountCents, bool valid)
    {
        var errors = LeadValidation.Validate(FirstName, LastName, Email, Phone, State, null, amountCents);

        Assert.Equal(valid, !errors.ContainsKey("attributes.amount_cents"));
    }

    private static IReadOnlyDictionary<string, string[]> ValidateEmail(string email) =>
        LeadValidation.Validate(FirstName, LastName, email, Phone, State, null, null);
}
