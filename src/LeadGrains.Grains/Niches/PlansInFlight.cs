using LeadGrains.Grains.Distribution;

namespace LeadGrains.Grains.Niches;

/// <summary>
/// A niche's decisions handed to its silo's <see cref="DistributionCommitter"/> and not answered
/// yet. The niche decides the next lead as if all of them were recorded; when one is refused or
/// fails, the decisions taken after it rest on something false, so the niche resynchronizes: it
/// waits until none is in flight and reloads what the database holds before deciding again.
/// Used only from the niche grain's serial turns.
/// </summary>
internal sealed class PlansInFlight(DistributionCommitter committer)
{
    private bool _resynchronize;
    private TaskCompletionSource? _idle;       // completed when nothing is in flight
    private TaskCompletionSource? _reloaded;   // set while a resynchronizing reload runs

    public int Count { get; private set; }

    /// <summary>What the niche holds may be wrong: reload it before the next decision.</summary>
    public void RequireResynchronization() => _resynchronize = true;

    /// <summary>
    /// Hands the decision over and waits for the database's answer. Its charges are reserved from
    /// here until the answer, so the decisions taken meanwhile see them spent; the answer's balances
    /// are reported to <paramref name="balances"/>.
    /// </summary>
    public async Task<DistributionStore.RecordedRow> Commit(DistributionPlan plan, long startedTimestamp, ProviderBalances balances)
    {
        balances.Reserve(plan.Assignments);
        Count++;
        try
        {
            var row = await committer.Commit(plan, startedTimestamp);
            if (row.Outcome is "recorded" or "insufficient_balance")
            {
                balances.Report(plan.Assignments, row.Balances);
            }
            return row;
        }
        finally
        {
            balances.Release(plan.Assignments);
            if (--Count == 0)
            {
                _idle?.TrySetResult();
                _idle = null;
            }
        }
    }

    /// <summary>
    /// When a resynchronization is due: waits until nothing is in flight, then runs
    /// <paramref name="reload"/> once. Calls that arrive meanwhile wait for that reload rather than
    /// decide on what it is replacing.
    /// </summary>
    public async Task Resynchronize(Func<Task> reload)
    {
        while (_resynchronize)
        {
            if (_reloaded is { } reloading)
            {
                await reloading.Task;
                continue;
            }
            if (Count > 0)
            {
                _idle ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                await _idle.Task;
                continue;
            }
            var done = _reloaded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            try
            {
                await reload();
                _resynchronize = false;
            }
            finally
            {
                _reloaded = null;
                done.TrySetResult();
            }
        }
    }
}
