using System.Globalization;

namespace LeadGrains.Domain.Routing;

/// <summary>
/// What a routing condition may read of a lead: the fields every lead has, two attributes named
/// often enough to deserve a variable of their own, and any other attribute through <c>attr('name')</c>.
/// Contact data is not among them: a rule routes on what a lead is about, not on who it is.
/// </summary>
/// <param name="State">Upper-case state code.</param>
/// <param name="Zip">The zip code, or empty.</param>
/// <param name="AmountCents">The amount in cents, or 0 when the lead has none.</param>
/// <param name="Attributes">Free-form attributes, string values.</param>
public sealed record LeadFacts(string State, string Zip, long AmountCents, IReadOnlyDictionary<string, string> Attributes)
{
    /// <summary>The variables a condition names, with their value for this lead.</summary>
    public static readonly IReadOnlyList<string> VariableNames = ["state", "zip", "amount_cents", "industry", "company_size"];

    public static LeadFacts From(string state, string? zip, long? amountCents, IReadOnlyDictionary<string, string>? attributes) =>
        new(state.Trim().ToUpperInvariant(), zip?.Trim() ?? "", amountCents ?? 0, attributes ?? new Dictionary<string, string>());

    /// <summary>The attribute's text, or empty when the lead has none of that name.</summary>
    public string Attribute(string name) => Attributes.TryGetValue(name, out var value) ? value : "";

    /// <summary>A whole-number attribute (company size, say); 0 when absent or not a whole number.</summary>
    public long WholeNumber(string name) =>
        long.TryParse(Attribute(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) ? number : 0;

    public IDictionary<string, object?> Variables() => new Dictionary<string, object?>
    {
        ["state"] = State,
        ["zip"] = Zip,
        ["amount_cents"] = AmountCents,
        ["industry"] = Attribute("industry"),
        ["company_size"] = WholeNumber("company_size"),
    };
}
