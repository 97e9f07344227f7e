using LeadGrains.Abstractions.Leads;

namespace LeadGrains.SampleApprovalClient;

/// <summary>
/// Many leads at once, as the approval service sends them on a busy day. Calls that fail — say a
/// silo died under them — are simply repeated with the same lead id: submit and approve are
/// idempotent per lead, so a retry never creates a second lead or a second approval.
/// </summary>
public static class SteadyLoad
{
    public static async Task<int> SubmitAndApprove(IClusterClient grains, Guid workspaceId, Guid nicheId, int count, string actor)
    {
        var approved = 0;
        using var callers = new SemaphoreSlim(16);
        await Task.WhenAll(Enumerable.Range(0, count).Select(async _ =>
        {
            await callers.WaitAsync();
            try
            {
                var leadId = Guid.NewGuid();
                for (var attempt = 1; attempt <= 10; attempt++)
                {
                    try
                    {
                        var lead = grains.GetGrain<ILeadGrain>(leadId);
                        await lead.Submit(SampleLead.For(workspaceId, nicheId, leadId));
                        if ((await lead.Approve(actor)).Outcome == LeadCommandOutcome.Done)
                        {
                            Interlocked.Increment(ref approved);
                        }
                        return;
                    }
                    catch (Exception error) when (attempt < 10)
                    {
                        Console.Error.WriteLine($"lead {leadId}: {error.GetType().Name}, retrying");
                        await Task.Delay(TimeSpan.FromSeconds(attempt));
                    }
                }
            }
            finally
            {
                callers.Release();
            }
        }));
        return approved;
    }
}
