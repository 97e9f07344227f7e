using System.Security.Cryptography;
using System.Text;
using LeadGrains.Domain.Leads;

namespace LeadGrains.Domain.Tests.Leads;

public sealed class DedupeHashTests
{
    private static readonly Guid Niche = Guid.Parse("5b1f3c1e-8f1a-4c55-9f43-0d6c2b9a7e10");

    [Fact]
    public void The_same_contact_typed_differently_hashes_alike()
    {
        Assert.Equal(
            DedupeHash.Compute("foo@x.com", "+12145550100", Niche),
            DedupeHash.Compute(" Foo@X.com ", "(214) 555-0100", Niche));
    }

    [Fact]
    public void The_same_contact_in_another_niche_is_not_a_duplicate()
    {
        Assert.NotEqual(
            DedupeHash.Compute("foo@x.com", "+12145550100", Niche),
            DedupeHash.Compute("foo@x.com", "+12145550100", Guid.Parse("5b1f3c1e-8f1a-4c55-9f43-0d6c2b9a7e11")));
    }

    [Fact]
    public void Another_email_or_phone_is_another_lead()
    {
        var hash = DedupeHash.Compute("foo@x.com", "+12145550100", Niche);

        Assert.NotEqual(hash, DedupeHash.Compute("bar@x.com", "+12145550100", Niche));
        Assert.NotEqual(hash, DedupeHash.Compute("foo@x.com", "+12145550101", Niche));
    }

    [Fact]
    public void Is_lower_case_hex_sha256_of_the_normalized_lines()
    {
        var expected = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes($"foo@x.com\n+12145550100\n{Niche}"))).ToLowerInvariant();

        var hash = DedupeHash.Compute(" Foo@X.com ", "(214) 555-0100", Niche);

        Assert.Equal(expected, hash);
        Assert.Matches("^[0-9a-f]{64}$", hash);
    }

    [Fact]
    public void A_phone_that_does_not_normalize_is_a_caller_error()
    {
        Assert.Throws<ArgumentException>(() => DedupeHash.Compute("foo@x.com", "555-0100", Niche));
    }
}
