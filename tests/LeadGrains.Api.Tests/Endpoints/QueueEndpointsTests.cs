using System.Net;
using LeadGrains.Api.Tests.Infrastructure;

namespace LeadGrains.Api.Tests.Endpoints;

/// <summary>The happy path of the queue and dead-letter endpoints (seed 004 shapes).</summary>
[Collection(ApiCollection.Name)]
public sealed class QueueEndpointsTests(LocalApiHost host)
{
    private readonly ApiDriver api = new(host);

    /// <summary>Makes a lead whose distribution attempts ran out, as the queue would leave it.</summary>
    internal static async Task<(Guid Lead, Guid Entry)> DeadLetter(ApiDriver api, Guid workspace, Guid niche)
    {
        var lead = await api.Lead(workspace, niche);
        var entry = Guid.NewGuid();
        await Db.Execute(api.Host, """
            UPDATE leads SET status = 'failed', approved_at = now(), distribution_attempts = 5 WHERE id = @lead;
            INSERT INTO dead_letters (id, queue_name, job_id, lead_id, payload, error_message, stack_trace, attempts, failed_at)
            VALUES (@entry, 'distribution', @job, @lead, jsonb_build_object('lead_id', @lead), 'simulated outage', 'at Somewhere()', 5, now());
            """, new { lead, entry, job = $"distribution:{lead}" });
        return (lead, entry);
    }

    [Fact]
    public async Task Dead_letters_are_listed_inspected_retried_and_resolved()
    {
        var ws = await api.Workspace();
        var niche = (await api.Niche(ws)).Id("niche_id");
        var (retriedLead, retried) = await DeadLetter(api, ws, niche);
        var (_, resolved) = await DeadLetter(api, ws, niche);
        var ops = api.Tokens.Ops(ws);

        var queues = await ApiDriver.Expect(HttpStatusCode.OK, api.Get("/api/v1/admin/queues", ops));
        var queue = queues.Json.GetProperty("queues")[0];
        Assert.Equal("distribution", queue.GetProperty("name").GetString());
        Assert.Equal(2, queue.GetProperty("dlq_size").GetInt64());
        Assert.Equal(2, queue.GetProperty("failed_last_hour").GetInt64());
        Assert.True(queue.TryGetProperty("depth", out _) && queue.TryGetProperty("active", out _));

        var list = await ApiDriver.Expect(HttpStatusCode.OK, api.Get("/api/v1/admin/queues/dlq?page=1&limit=10&resolved=false", ops));
        Assert.Equal(2, list.Long("total"));
        var item = list.Json.GetProperty("items")[0];
        foreach (var field in new[] { "id", "queue_name", "job_id", "lead_id", "error_message", "attempts", "failed_at", "resolved", "resolved_at", "resolved_by" })
        {
            Assert.True(item.TryGetProperty(field, out _), field);
        }

        var detail = await ApiDriver.Expect(HttpStatusCode.OK, api.Get($"/api/v1/admin/queues/dlq/{retried}", ops));
        Assert.Equal("at Somewhere()", detail.Str("stack_trace"));
        Assert.Equal(retriedLead, detail.Json.GetProperty("payload").GetProperty("lead_id").GetGuid());

        var retry = await ApiDriver.Expect(HttpStatusCode.Accepted, api.Post($"/api/v1/admin/queues/dlq/{retried}/retry", ops));
        Assert.Equal(retried, retry.Id("id"));
        Assert.False(string.IsNullOrEmpty(retry.Str("job_id")));
        await ApiDriver.Expect(HttpStatusCode.Conflict, api.Post($"/api/v1/admin/queues/dlq/{retried}/retry", ops));
        var afterRetry = await api.AwaitDistribution(ws, retriedLead);
        Assert.Equal("no_eligible", afterRetry.Str("lead_status"));

        var done = await ApiDriver.Expect(HttpStatusCode.OK, api.Post($"/api/v1/admin/queues/dlq/{resolved}/resolve", ops, new { note = "handled by hand" }));
        Assert.True(done.Json.GetProperty("resolved").GetBoolean());
        Assert.Equal("test-ops", done.Str("resolved_by"));
        Assert.Equal("handled by hand", done.Str("resolution_note"));
        await ApiDriver.Expect(HttpStatusCode.OK, api.Post($"/api/v1/admin/queues/dlq/{resolved}/resolve", ops));

        var open = await ApiDriver.Expect(HttpStatusCode.OK, api.Get("/api/v1/admin/queues/dlq?resolved=false", ops));
        Assert.Equal(0, open.Long("total"));
        Assert.Equal(2, await Db.Scalar<int>(host, "SELECT count(*) FROM audit_log WHERE workspace_id = @ws AND action LIKE 'dead_letter.%' AND actor = 'test-ops'", new { ws }));
    }
}
