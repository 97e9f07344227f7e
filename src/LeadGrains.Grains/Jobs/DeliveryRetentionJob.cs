using LeadGrains.Grains.Delivery;
using Microsoft.Extensions.Options;
using Npgsql;

namespace LeadGrains.Grains.Jobs;

/// <summary>
/// Daily: deletes deliveries that are over — delivered, or dead and resolved by an operator — longer
/// than <see cref="DeliveryOptions.Retention"/> ago, with their attempt logs. Pending and unresolved
/// dead deliveries are never deleted. A delivery is created before it is delivered or resolved, so
/// <c>created_at &lt; cutoff</c> holds for every such row and lets the BRIN index on created_at narrow the scan.
/// </summary>
public sealed class DeliveryRetentionJob(NpgsqlDataSource db, IOptions<DeliveryOptions> options) : RetentionCleanupJob(db)
{
    public override string Name => "delivery-retention";

    public override TimeSpan Period => TimeSpan.FromDays(1);

    public override TimeSpan Retention => options.Value.Retention;

    protected override string DeleteOlderThanCutoff => """
        DELETE FROM deliveries
         WHERE created_at < @cutoff
           AND ((state = 'delivered' AND delivered_at < @cutoff) OR (state = 'dead' AND resolved_at < @cutoff))
        """;

    protected override string RowsDescription => "finished deliveries (with their attempts)";
}
