namespace LeadGrains.Abstractions.Delivery;

/// <summary>A workspace's message template.</summary>
/// <param name="Name">The message (<c>lead_assigned</c>).</param>
/// <param name="Parts">Subject, text and HTML.</param>
/// <param name="IsDefault">True while the workspace has not saved its own.</param>
/// <param name="Variables">The variables the template may use.</param>
/// <param name="UpdatedAt">When it was last saved.</param>
[GenerateSerializer, Immutable]
public sealed record TemplateView(
    [property: Id(0)] string Name,
    [property: Id(1)] TemplateParts Parts,
    [property: Id(2)] bool IsDefault,
    [property: Id(3)] IReadOnlyList<string> Variables,
    [property: Id(4)] DateTimeOffset? UpdatedAt);
