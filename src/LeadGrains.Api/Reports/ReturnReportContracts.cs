namespace LeadGrains.Api.Reports;

/// <summary>
/// Returned leads of one provider, niche or reason (<c>key</c>) requested in the period: how many,
/// how they stand, and what was refunded.
/// </summary>
public sealed record ReturnReportRow(string Key, string? Name, long Requested, long Pending, long Approved, long Rejected, long RefundedCents);

public sealed record ReturnReport(DateTime From, DateTime To, string By, IReadOnlyList<ReturnReportRow> Items);
