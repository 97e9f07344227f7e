using Npgsql;

namespace LeadGrains.Data;

/// <summary>
/// Tells a fault of the database connection — unreachable, broken, terminated, timed out — from an
/// error of the statement itself. The first says nothing about the data sent, and the next
/// statement would meet it too; the second may be one bad row among good ones.
/// </summary>
public static class DatabaseUnavailable
{
    public static bool Is(Exception error) => error switch
    {
        PostgresException postgres => postgres.SqlState.StartsWith("08", StringComparison.Ordinal)  // connection exception
            || postgres.SqlState is PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown
                or PostgresErrorCodes.CannotConnectNow or PostgresErrorCodes.TooManyConnections
                or PostgresErrorCodes.QueryCanceled,                                                // a timeout's cancellation
        // Npgsql's own: the network, a command timeout, a broken or closed connection.
        NpgsqlException => true,
        TimeoutException => true,
        _ => false,
    };
}
