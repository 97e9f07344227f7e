using NodaTime;

namespace LeadGrains.Domain.Controls;

/// <summary>What a subscription took in one period: its leads and their prices.</summary>
public sealed record PeriodUsage(LocalDate Start, int Leads, long SpendCents);
