using LeadGrains.Data;
using Npgsql;

namespace LeadGrains.Grains.Leads;

/// <summary>
/// Reads lead rows for the lead grains of this silo, many per query. Under load, lead grains activate
/// by the dozen at once, and a query of its own for each row cost more than the rest of its
/// activation (opening a connection, a round trip, PostgreSQL's per-statement work). A request waits
/// only while a query is already running, then goes with everyone who queued meanwhile; alone, it is
/// read at once. Every answer comes from a query that started after its request was made, so a grain
/// sees what was committed before it asked, as a query of its own would. The reads go through one
/// connection kept between them (<see cref="KeptConnection"/>), used by one reading loop at a time.
/// </summary>
public sealed class LeadRowReader(NpgsqlDataSource db) : IDisposable
{
    /// <summary>Rows per query at most.</summary>
    public const int MaxBatch = 256;

    private sealed record Request(Guid LeadId, TaskCompletionSource<LeadRow?> Row);

    private readonly Lock _gate = new();
    private readonly KeptConnection _connection = new(db);
    private List<Request> _waiting = [];
    private bool _reading;

    /// <summary>The lead's row, or null when there is none.</summary>
    public Task<LeadRow?> Find(Guid leadId)
    {
        var request = new Request(leadId, new TaskCompletionSource<LeadRow?>(TaskCreationOptions.RunContinuationsAsynchronously));
        bool startReading;
        lock (_gate)
        {
            _waiting.Add(request);
            startReading = !_reading;
            _reading = true;
        }
        if (startReading)
        {
            // Off the calling grain's scheduler: the loop serves every grain of the silo.
            _ = Task.Run(ReadWhileRequested);
        }
        return request.Row.Task;
    }

    private async Task ReadWhileRequested()
    {
        while (TakeWaiting() is { } batch)
        {
            try
            {
                var leadIds = batch.Select(r => r.LeadId).Distinct().ToArray();
                var rows = await _connection.Read(connection => LeadStore.FindMany(connection, leadIds));
                foreach (var request in batch)
                {
                    request.Row.TrySetResult(rows.GetValueOrDefault(request.LeadId));
                }
            }
            catch (Exception error)
            {
                _connection.Drop();
                foreach (var request in batch)
                {
                    request.Row.TrySetException(error);
                }
            }
        }
    }

    /// <summary>The next requests to read, or null (and no longer reading) when none wait.</summary>
    private List<Request>? TakeWaiting()
    {
        lock (_gate)
        {
            if (_waiting.Count == 0)
            {
                _reading = false;
                return null;
            }
            if (_waiting.Count <= MaxBatch)
            {
                var all = _waiting;
                _waiting = [];
                return all;
            }
            var first = _waiting.GetRange(0, MaxBatch);
            _waiting.RemoveRange(0, MaxBatch);
            return first;
        }
    }

    public void Dispose() => _connection.Dispose();
}
