namespace LeadGrains.Data;

/// <summary>
/// How long a process waits on PostgreSQL (section <c>LeadGrains:Database</c>). They apply to the
/// process's one data source, so Dapper, the Orleans providers and the migrations all wait at most
/// this long: a database that stops answering fails calls within bounded time instead of hanging
/// them, and a connection whose peer vanished (a failover, a dropped NAT entry) is noticed.
/// They replace the same keywords of the connection string.
/// </summary>
public sealed class DatabaseTimeouts
{
    public const string Section = "LeadGrains:Database";

    /// <summary>Opening a connection (Npgsql <c>Timeout</c>).</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>One command (Npgsql <c>Command Timeout</c>); the longest statements are a group commit's and a job's.</summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// An idle connection is probed this often (Npgsql <c>Keepalive</c>) and TCP keepalive is on, so a
    /// pooled connection to a database that went away is found broken before a command is sent on it.
    /// </summary>
    public TimeSpan KeepAlive { get; set; } = TimeSpan.FromSeconds(15);
}
