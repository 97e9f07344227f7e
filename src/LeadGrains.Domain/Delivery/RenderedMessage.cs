namespace LeadGrains.Domain.Delivery;

/// <summary>A template filled in: what is sent.</summary>
public sealed record RenderedMessage(string Subject, string Text, string Html);
