using System.Data;
using Npgsql;

namespace LeadGrains.Data;

/// <summary>
/// A connection that one serial user — the commit lane, the lead-row reader — keeps open from one
/// use to the next. Taken from the pool for each use, such a user landed on whichever idle connection
/// came up, so its statements ran on many backends in turn (18 seen in one benchmark run) and each
/// found its cached plans, prepared statements and warm caches on another one; on one backend a
/// commit-lane group costs about 30 % less (docs/PERFORMANCE.md, Round 8). After any failure the
/// user drops it, so the next use opens a fresh one instead of inheriting a broken session.
/// Not thread-safe: one user at a time.
/// </summary>
public sealed class KeptConnection(NpgsqlDataSource db) : IDisposable
{
    private NpgsqlConnection? _open;

    public NpgsqlConnection Get() => _open ??= db.OpenConnection();

    /// <summary>
    /// Runs a read on the kept connection. A connection that died while kept (a restarted or failed-over
    /// server) is replaced and the read goes again once on the fresh one: a read changes nothing.
    /// </summary>
    public async Task<T> Read<T>(Func<NpgsqlConnection, Task<T>> read)
    {
        var connection = _open ??= await db.OpenConnectionAsync();
        try
        {
            return await read(connection);
        }
        catch (NpgsqlException) when (connection.State != ConnectionState.Open)
        {
            Drop();
            return await read(_open = await db.OpenConnectionAsync());
        }
    }

    public void Drop()
    {
        _open?.Dispose();
        _open = null;
    }

    public void Dispose() => Drop();
}
