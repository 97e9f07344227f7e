using LeadGrains.Grains.Delivery;
using Microsoft.Extensions.Options;
using Npgsql;

namespace LeadGrains.Grains.Jobs;

/// <summary>
/// Daily: deletes deliveries that are over — delivered, or dead and resolved by an operator — longer
/// than <see cref="DeliveryOptions.Retention"/> ago, with their attempt logs. Pending and unresolved
/// dead deliveries are never deleted.
/// </summary>
public sealed class DeliveryRetentionJob(NpgsqlDataSource db, IOptions<DeliveryOptions> options) : RetentionCleanupJob(db)
{
    public override string Name => "delivery-retention";

    public override TimeSpan Period => TimeSpan.FromDays(1);

    public override TimeSpan Retention => options.Value.Retention;

    protected override string DeleteOlderThanCutoff => """
        DELETE FROM deliveries
         WHERE (state = 'delivered' AND delivered_at < @cutoff) OR (state = 'dead' AND resolved_at < @cutoff)
        """;

    protected override string RowsDescription => "finished deliveries (with their attempts)";
}
