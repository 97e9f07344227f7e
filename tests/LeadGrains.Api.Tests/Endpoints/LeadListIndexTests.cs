using LeadGrains.Api.Leads;
using LeadGrains.Api.Tests.Infrastructure;

namespace LeadGrains.Api.Tests.Endpoints;

/// <summary>
/// The lead list's page query reads its page through an index in its order, without sorting the
/// workspace's leads, and is cancelled with its request.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class LeadListIndexTests(LocalApiHost host)
{
    [Fact]
    public async Task A_page_of_leads_is_read_in_index_order_without_a_sort()
    {
        var api = new ApiDriver(host);
        var ws = await api.Workspace();
        var niche = (await api.Niche(ws)).Id("niche_id");
        await Db.Execute(host, """
            INSERT INTO leads (id, workspace_id, niche_id, status, first_name, last_name, email, phone, state, dedupe_hash,
                               created_at, expires_at, updated_at)
            SELECT gen_random_uuid(), @ws, @niche, (ARRAY['pending', 'approved', 'distributed'])[1 + i % 3], 'A', 'B',
                   'lead' || i || '@example.com', '+1214555' || lpad(i::text, 4, '0'), 'TX', md5(i::text),
                   now() - i * interval '1 minute', now() + interval '90 days', now()
              FROM generate_series(1, 5000) AS i;
            ANALYZE leads;
            """, new { ws, niche });

        var plan = string.Join("\n", await Db.Query<string>(host, "EXPLAIN " + LeadQueries.ListSql,
            new { workspaceId = ws, status = (string?)null, nicheId = (Guid?)null, afterAt = (DateTime?)null, afterId = (Guid?)null, take = 51 }));

        Assert.Contains("ix_leads_workspace_created", plan);
        Assert.DoesNotContain("Sort", plan);
    }

    [Fact]
    public async Task A_caller_that_went_away_cancels_its_lead_queries()
    {
        var queries = new LeadQueries(host.Database);
        var gone = new CancellationToken(canceled: true);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => queries.List(Guid.NewGuid(), null, null, null, 50, gone));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => queries.Detail(Guid.NewGuid(), Guid.NewGuid(), gone));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => queries.CreatedAt(Guid.NewGuid(), gone));
    }
}
