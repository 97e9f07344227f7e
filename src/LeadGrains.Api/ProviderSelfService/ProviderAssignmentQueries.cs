using Dapper;
using LeadGrains.Api.Leads;
using LeadGrains.Api.Paging;
using Npgsql;

namespace LeadGrains.Api.ProviderSelfService;

/// <summary>A provider's own assignments with the contact data it paid for, newest first, keyset-paged.</summary>
public sealed class ProviderAssignmentQueries(NpgsqlDataSource db)
{
    private sealed record Row(
        Guid AssignmentId, Guid LeadId, Guid NicheId, string LevelName, long PriceChargedCents, DateTime AssignedAt,
        string FirstName, string LastName, string Email, string Phone);

    public async Task<ProviderAssignmentPage> Page(Guid providerId, Cursor? after, int take, CancellationToken cancellationToken)
    {
        await using var connection = await db.OpenConnectionAsync(cancellationToken);
        var rows = (await connection.QueryAsync<Row>(new CommandDefinition("""
            SELECT a.id AS assignment_id, a.lead_id, a.niche_id, l.name AS level_name, a.price_cents AS price_charged_cents, a.assigned_at,
                   d.first_name, d.last_name, d.email, d.phone
              FROM lead_assignments a
              JOIN competition_levels l ON l.id = a.level_id
              JOIN leads d ON d.id = a.lead_id
             WHERE a.provider_id = @providerId
               AND (@afterAt::timestamptz IS NULL OR (a.assigned_at, a.id) < (@afterAt, @afterId))
             ORDER BY a.assigned_at DESC, a.id DESC
             LIMIT @rows
            """, new { providerId, afterAt = after?.At, afterId = after?.Id, rows = take + 1 }, cancellationToken: cancellationToken))).ToList();
        var page = rows.Take(take).ToList();
        return new ProviderAssignmentPage(
            page.Select(r => new ProviderAssignmentResponse(r.AssignmentId, r.LeadId, r.NicheId, r.LevelName, r.PriceChargedCents, r.AssignedAt,
                new ContactResponse(r.FirstName, r.LastName, r.Email, r.Phone))).ToList(),
            rows.Count > take ? new Cursor(page[^1].AssignedAt, page[^1].AssignmentId).Encode() : null);
    }
}
