using Npgsql;

namespace LeadGrains.Grains.Distribution;

/// <summary>
/// A commit lane's own connection, kept open from one group to the next. Taken from the pool for
/// each group, the lane landed on whichever idle connection came up, so its groups ran on many
/// backends in turn (18 seen in one benchmark run) and each found the function's cached plans, the
/// statement prepared for it and the warm caches on another one. On one backend a group costs about 30 % less
/// (docs/PERFORMANCE.md, Round 8). After any failure the connection is dropped, so the next group
/// opens a fresh one instead of inheriting a broken session.
/// </summary>
internal sealed class LaneConnection(NpgsqlDataSource db) : IDisposable
{
    private NpgsqlConnection? _open;

    public NpgsqlConnection Get() => _open ??= db.OpenConnection();

    public void Drop()
    {
        _open?.Dispose();
        _open = null;
    }

    public void Dispose() => Drop();
}
