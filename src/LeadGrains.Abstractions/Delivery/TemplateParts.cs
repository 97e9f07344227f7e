namespace LeadGrains.Abstractions.Delivery;

/// <summary>A message's subject, text and HTML parts (templates with <c>{{variable}}</c> placeholders, or filled in).</summary>
[GenerateSerializer, Immutable]
public sealed record TemplateParts([property: Id(0)] string Subject, [property: Id(1)] string Text, [property: Id(2)] string Html);
