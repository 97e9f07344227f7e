using Npgsql;

namespace LeadGrains.Grains.Distribution;

/// <summary>
/// A commit lane's own connection, kept open from one group to the next. Taken from the pool for
/// each group, the lane landed on whichever idle connection came up (dozens in a busy silo), so each
/// group ran on a different backend: the function's cached plans, the statement prepared for it and
/// the backend's warm caches belonged to another one. On one backend a group costs a third less
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
