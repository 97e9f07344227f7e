using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;

namespace LeadGrains.Grains.Jobs;

/// <summary>How long a lead's contact data is kept (section <c>LeadGrains:Retention</c>).</summary>
public sealed class ContactRetentionOptions
{
    public const string Section = "LeadGrains:Retention";

    /// <summary>After this long, a lead that is no longer pending or approved has its contact data erased.</summary>
    public TimeSpan LeadContact { get; set; } = TimeSpan.FromDays(180);
}

/// <summary>
/// Daily: erases the contact data of leads older than <see cref="ContactRetentionOptions.LeadContact"/> —
/// first and last name, e-mail, phone, free-form attributes and the dedupe hashes made from them — not
/// just marks them: the people they name have a right to be forgotten, and data that is not kept
/// cannot leak. The lead row stays (status, niche, state, zip, amount, timestamps) with its
/// assignments and money, so reports and invariants are unchanged. Leads still pending or approved
/// are left until they are settled or expire.
/// </summary>
public sealed class LeadContactPurgeJob(NpgsqlDataSource db, IOptions<ContactRetentionOptions> options) : IScheduledJob
{
    public string Name => "lead-contact-purge";

    public TimeSpan Period => TimeSpan.FromDays(1);

    public async Task<string> Run(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var retention = options.Value.LeadContact;
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var purged = await connection.ExecuteScalarAsync<long>(new CommandDefinition("""
            WITH purged AS (
                UPDATE leads
                   SET first_name = '', last_name = '', email = '', phone = '', attributes = '{}', dedupe_hash = '', consumer_hash = NULL,
                       contact_purged_at = @now, updated_at = @now
                 WHERE created_at < @cutoff AND contact_purged_at IS NULL AND status NOT IN ('pending', 'approved')
                RETURNING id, workspace_id),
            audited AS (
                INSERT INTO audit_log (workspace_id, actor, action, lead_id, target_type, target_id, metadata, created_at)
                SELECT workspace_id, 'system', 'lead.contact_purged', id, 'lead', id::text, '{}', @now FROM purged)
            SELECT count(*) FROM purged
            """, new { now, cutoff = now - retention }, cancellationToken: cancellationToken));
        return $"purged the contact data of {purged} lead(s) older than {retention.TotalDays} days";
    }
}
