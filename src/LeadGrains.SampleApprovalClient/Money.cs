using System.Globalization;

namespace LeadGrains.SampleApprovalClient;

/// <summary>Cents as dollars for display. Money stays integer cents everywhere else.</summary>
internal static class Money
{
    public static string Format(long cents) => "$" + (cents / 100m).ToString("0.00", CultureInfo.InvariantCulture);
}
