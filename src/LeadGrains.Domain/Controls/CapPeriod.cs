namespace LeadGrains.Domain.Controls;

/// <summary>The calendar periods a subscription's caps and budgets count in, each in its provider's time zone.</summary>
public enum CapPeriod
{
    Day,
    Week,
    Month,
}
