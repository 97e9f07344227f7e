using System.Security.Cryptography;
using System.Text;

namespace LeadGrains.Domain.Leads;

/// <summary>
/// The key that recognises a lead already seen in a niche: the same contact (however typed)
/// in the same niche hashes alike, and the hash carries no readable PII.
/// </summary>
public static class DedupeHash
{
    /// <summary>Lower-case hex SHA-256 of normalized email, E.164 phone and niche id, one per line.</summary>
    /// <exception cref="ArgumentException">The phone is not a valid phone number; validate the lead first.</exception>
    public static string Compute(string email, string phone, Guid nicheId)
    {
        var e164 = ContactNormalization.NormalizePhoneE164(phone)
            ?? throw new ArgumentException("The phone number does not normalize to E.164; validate the lead first.", nameof(phone));
        var key = $"{ContactNormalization.NormalizeEmail(email)}\n{e164}\n{nicheId:D}";
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
    }

    /// <summary>
    /// The same consumer in any niche of any workspace: lower-case hex SHA-256 of normalized email and
    /// E.164 phone. Routing compares it across workspaces; it reveals no more than the niche hash does.
    /// </summary>
    /// <exception cref="ArgumentException">The phone is not a valid phone number; validate the lead first.</exception>
    public static string ForConsumer(string email, string phone)
    {
        var e164 = ContactNormalization.NormalizePhoneE164(phone)
            ?? throw new ArgumentException("The phone number does not normalize to E.164; validate the lead first.", nameof(phone));
        var key = $"consumer\n{ContactNormalization.NormalizeEmail(email)}\n{e164}";
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
    }
}
