using System.Net.Sockets;
using Npgsql;
using Orleans.Networking.Shared;
using Orleans.Runtime;
using Orleans.Runtime.Messaging;

namespace LeadGrains.Api.Errors;

/// <summary>
/// Faults that say "the cluster is changing, try again shortly", not "this request is wrong": a
/// silo died or is leaving, the gateway connection broke, a grain call outlived its timeout, or
/// PostgreSQL is restarting. Nothing the caller sent caused them, and an identical retry a few
/// seconds later normally succeeds, so they are answered 503 with Retry-After instead of 500.
/// </summary>
public static class TransientFaults
{
    public static bool IsTransient(Exception exception) => exception switch
    {
        SiloUnavailableException or OrleansMessageRejectionException or ConnectionFailedException
            or GatewayTooBusyException or TimeoutException => true,
        NpgsqlException npgsql when npgsql.IsTransient => true,
        AggregateException aggregate => aggregate.InnerExceptions.Count > 0 && aggregate.InnerExceptions.All(IsTransient),
        // Orleans wraps what broke underneath (e.g. a dropped socket) in its own exceptions.
        OrleansException { InnerException: SocketConnectionException or SocketException } => true,
        OrleansException { InnerException: { } inner } => IsTransient(inner),
        _ => false,
    };
}
