namespace LeadGrains.Abstractions.Leads;

/// <summary>The person behind a lead. Personal data: never logged unmasked.</summary>
/// <param name="FirstName">Given name, 1-100 characters.</param>
/// <param name="LastName">Family name, 1-100 characters.</param>
/// <param name="Email">E-mail address.</param>
/// <param name="Phone">Phone number; US numbers may omit the country code.</param>
[GenerateSerializer, Immutable]
public sealed record LeadContact(
    [property: Id(0)] string FirstName,
    [property: Id(1)] string LastName,
    [property: Id(2)] string Email,
    [property: Id(3)] string Phone);
