using Dapper;
using Npgsql;

namespace LeadGrains.Grains.Delivery;

/// <summary>
/// Turns newly committed assignments into delivery rows, through the durable cursor of
/// <c>step_delivery_cursor</c> (sql/migrations/0005_delivery.sql). Why a cursor over the runs' seq with a transaction
/// horizon: the distribution writes nothing for delivery, so its hot path stays as measured, and a
/// run that commits after a later-numbered one is still read, since the position only passes a seq
/// once every transaction that could still commit below it has ended. Runs above the position are
/// offered again on each step; this silo remembers which it handled so it does not redo them (the
/// unique (assignment, channel) key makes a redo harmless anyway, e.g. by another silo).
/// </summary>
public sealed class DeliveryCursor(NpgsqlDataSource db)
{
    private readonly SortedSet<long> _handledAbovePosition = [];

    /// <summary>
    /// One step; returns how many runs it read, how many deliveries it made, and which of them it
    /// leased to this silo (<paramref name="lease"/>) to send at once (none when another silo was stepping).
    /// </summary>
    public async Task<(int Runs, int Created, Guid[] Leased)> Step(DateTimeOffset now, TimeSpan giveUpAfter, int batch, LeaseRequest lease,
        CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var step = await connection.QuerySingleAsync<StepRow>(new CommandDefinition("""
            SELECT stepped, passed_seq, runs, created, leased
              FROM step_delivery_cursor(@now, @giveUpAfter, @batch, @done, @leaseUntil, @leaseToken, @silo, @take,
                                        @perEndpoint, @busyProviders, @busyChannels, @busyCounts)
            """, new
        {
            now, giveUpAfter, batch, done = _handledAbovePosition.ToArray(),
            lease.LeaseUntil, lease.LeaseToken, lease.Silo, take = lease.Room, lease.PerEndpoint,
            busyProviders = lease.InFlight.Keys.Select(k => k.ProviderId).ToArray(),
            busyChannels = lease.InFlight.Keys.Select(k => k.Channel).ToArray(),
            busyCounts = lease.InFlight.Values.ToArray(),
        }, cancellationToken: cancellationToken));
        if (!step.Stepped)
        {
            return (0, 0, []);
        }
        _handledAbovePosition.RemoveWhere(seq => seq <= step.PassedSeq);
        _handledAbovePosition.UnionWith(step.Runs);
        return (step.Runs.Length, step.Created, step.Leased);
    }

    private sealed record StepRow
    {
        public bool Stepped { get; init; }
        public long? PassedSeq { get; init; }
        public long[] Runs { get; init; } = [];
        public int Created { get; init; }
        public Guid[] Leased { get; init; } = [];
    }
}
