using System.Text.Json;
using LeadGrains.Domain.Leads;
using Npgsql;
using NpgsqlTypes;

namespace LeadGrains.Benchmark.Workload;

/// <summary>What the loader put in the database.</summary>
public sealed record LoadSummary(int Workspaces, int Niches, int Levels, int Providers, int Subscriptions, int Leads, double Seconds);

/// <summary>
/// Loads a workload into a freshly migrated database with binary COPY (setup only; the measured
/// part goes through the grains). The rows are what the API would have written:
/// <list type="bullet">
/// <item>workspaces from the workspace ids in niches.csv;</item>
/// <item>providers.csv names no workspace, so a provider belongs to the workspace of its first
/// subscription's niche (the first workspace if it has none); its other subscriptions are loaded as
/// the workload has them, even into a niche of the other workspace, to keep W1's shape;</item>
/// <item>each provider's balance is one deposit ledger entry, so balance = sum of ledger (I1);</item>
/// <item>subscription filters are <c>{"states": [...]}</c>; leads are <c>pending</c> with their
/// dedupe hash, E.164 phone and a 90-day expiry; or, for a distribute-only run, already
/// <c>approved</c> with no attempt due (<c>next_attempt_at</c> NULL, as approving without
/// auto-distribution leaves them), so the due-lead sweeper leaves them to the benchmark's
/// <c>Distribute</c> calls.</item>
/// </list>
/// </summary>
public static class BulkLoader
{
    public static async Task<LoadSummary> Load(NpgsqlDataSource db, WorkloadFiles workload, bool hotNiche, int? subscriptionsInLevel, bool leadsApproved)
    {
        var started = DateTime.UtcNow;
        var now = DateTime.UtcNow;
        var nicheById = workload.Niches.ToDictionary(n => n.Id);
        var levelById = workload.Levels.ToDictionary(l => l.Id);
        var levelByPosition = workload.Levels.ToDictionary(l => (l.NicheId, l.OrderPosition));
        var workspaces = workload.Niches.Select(n => n.WorkspaceId).Distinct().ToList();

        Guid LevelOf(SubscriptionCsv s) => subscriptionsInLevel is { } position
            ? levelByPosition.TryGetValue((levelById[s.LevelId].NicheId, position), out var level) ? level.Id
              : throw new InvalidDataException($"niche {levelById[s.LevelId].NicheId} has no level at order position {position}")
            : s.LevelId;
        var subscriptions = workload.Subscriptions.Select(s => s with { LevelId = LevelOf(s) }).ToList();

        var providerWorkspace = new Dictionary<Guid, Guid>();
        foreach (var s in subscriptions)
        {
            providerWorkspace.TryAdd(s.ProviderId, nicheById[levelById[s.LevelId].NicheId].WorkspaceId);
        }
        var hot = workload.Niches[0];
        var leads = hotNiche ? workload.Leads.Select(l => l with { NicheId = hot.Id, WorkspaceId = hot.WorkspaceId }).ToList() : workload.Leads;

        await using var connection = await db.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();

        await Copy(connection, "workspaces (id, name)", workspaces, async (w, id) =>
        {
            await w.WriteAsync(id, NpgsqlDbType.Uuid);
            await w.WriteAsync("bench workspace " + id.ToString("N")[..8], NpgsqlDbType.Text);
        });
        await Copy(connection, "niches (id, workspace_id, name, next_start_level_order_position)", workload.Niches, async (w, n) =>
        {
            await w.WriteAsync(n.Id, NpgsqlDbType.Uuid);
            await w.WriteAsync(n.WorkspaceId, NpgsqlDbType.Uuid);
            await w.WriteAsync(n.Name, NpgsqlDbType.Text);
            await w.WriteAsync(workload.Levels.Where(l => l.NicheId == n.Id && l.IsActive).Select(l => l.OrderPosition).DefaultIfEmpty(1).Min(), NpgsqlDbType.Integer);
        });
        await Copy(connection, "competition_levels (id, niche_id, name, order_position, max_recipients, price_cents, is_active)", workload.Levels, async (w, l) =>
        {
            await w.WriteAsync(l.Id, NpgsqlDbType.Uuid);
            await w.WriteAsync(l.NicheId, NpgsqlDbType.Uuid);
            await w.WriteAsync(l.Name, NpgsqlDbType.Text);
            await w.WriteAsync(l.OrderPosition, NpgsqlDbType.Integer);
            await w.WriteAsync(l.MaxRecipients, NpgsqlDbType.Integer);
            await w.WriteAsync(l.PriceCents, NpgsqlDbType.Bigint);
            await w.WriteAsync(l.IsActive, NpgsqlDbType.Boolean);
        });
        await Copy(connection, "providers (id, workspace_id, name, email, status, balance_cents, created_at, updated_at)", workload.Providers, async (w, p) =>
        {
            await w.WriteAsync(p.Id, NpgsqlDbType.Uuid);
            await w.WriteAsync(providerWorkspace.GetValueOrDefault(p.Id, workspaces[0]), NpgsqlDbType.Uuid);
            await w.WriteAsync(p.Name, NpgsqlDbType.Text);
            await w.WriteAsync(p.Email, NpgsqlDbType.Text);
            await w.WriteAsync("active", NpgsqlDbType.Text);
            await w.WriteAsync(p.BalanceCents, NpgsqlDbType.Bigint);
            await w.WriteAsync(now, NpgsqlDbType.TimestampTz);
            await w.WriteAsync(now, NpgsqlDbType.TimestampTz);
        });
        await Copy(connection, "ledger_entries (id, provider_id, kind, amount_cents, idempotency_key, reference, balance_after_cents, created_at)",
            workload.Providers.Where(p => p.BalanceCents > 0), async (w, p) =>
        {
            await w.WriteAsync(Guid.NewGuid(), NpgsqlDbType.Uuid);
            await w.WriteAsync(p.Id, NpgsqlDbType.Uuid);
            await w.WriteAsync("deposit", NpgsqlDbType.Text);
            await w.WriteAsync(p.BalanceCents, NpgsqlDbType.Bigint);
            await w.WriteAsync("bench:initial-deposit", NpgsqlDbType.Text);
            await w.WriteAsync("benchmark workload", NpgsqlDbType.Text);
            await w.WriteAsync(p.BalanceCents, NpgsqlDbType.Bigint);
            await w.WriteAsync(now, NpgsqlDbType.TimestampTz);
        });
        await Copy(connection, "subscriptions (id, provider_id, level_id, niche_id, filters, status, created_at)", subscriptions, async (w, s) =>
        {
            await w.WriteAsync(s.Id, NpgsqlDbType.Uuid);
            await w.WriteAsync(s.ProviderId, NpgsqlDbType.Uuid);
            await w.WriteAsync(s.LevelId, NpgsqlDbType.Uuid);
            await w.WriteAsync(levelById[s.LevelId].NicheId, NpgsqlDbType.Uuid);
            await w.WriteAsync(JsonSerializer.Serialize(new { states = s.States }), NpgsqlDbType.Jsonb);
            await w.WriteAsync("active", NpgsqlDbType.Text);
            await w.WriteAsync(now, NpgsqlDbType.TimestampTz);
        });
        await Copy(connection, """
            leads (id, workspace_id, niche_id, status, first_name, last_name, email, phone, state, attributes,
                   dedupe_hash, created_at, approved_at, expires_at, updated_at)
            """, leads, async (w, l) =>
        {
            await w.WriteAsync(l.Id, NpgsqlDbType.Uuid);
            await w.WriteAsync(l.WorkspaceId, NpgsqlDbType.Uuid);
            await w.WriteAsync(l.NicheId, NpgsqlDbType.Uuid);
            await w.WriteAsync(leadsApproved ? "approved" : "pending", NpgsqlDbType.Text);
            await w.WriteAsync(l.FirstName, NpgsqlDbType.Text);
            await w.WriteAsync(l.LastName, NpgsqlDbType.Text);
            await w.WriteAsync(ContactNormalization.NormalizeEmail(l.Email), NpgsqlDbType.Text);
            await w.WriteAsync(ContactNormalization.NormalizePhoneE164(l.Phone) ?? throw new InvalidDataException($"lead {l.Id}: bad phone"), NpgsqlDbType.Text);
            await w.WriteAsync(l.State, NpgsqlDbType.Text);
            await w.WriteAsync("{}", NpgsqlDbType.Jsonb);
            await w.WriteAsync(DedupeHash.Compute(l.Email, l.Phone, l.NicheId), NpgsqlDbType.Text);
            await w.WriteAsync(now, NpgsqlDbType.TimestampTz);
            if (leadsApproved)
            {
                await w.WriteAsync(now, NpgsqlDbType.TimestampTz);
            }
            else
            {
                await w.WriteNullAsync();
            }
            await w.WriteAsync(now + LeadRetention.Ttl, NpgsqlDbType.TimestampTz);
            await w.WriteAsync(now, NpgsqlDbType.TimestampTz);
        });
        await transaction.CommitAsync();

        // As the baseline kit's loader does: vacuumed, analyzed and checkpointed before the cluster
        // starts, so the measured run does not pay for the load (autovacuum's first pass over the
        // freshly copied rows, hint bits, the load's dirty pages written back by a checkpoint).
        await using (var settle = new NpgsqlCommand("VACUUM (ANALYZE)", connection))
        {
            await settle.ExecuteNonQueryAsync();
        }
        await using (var checkpoint = new NpgsqlCommand("CHECKPOINT", connection))
        {
            await checkpoint.ExecuteNonQueryAsync();
        }
        return new LoadSummary(workspaces.Count, workload.Niches.Count, workload.Levels.Count, workload.Providers.Count,
            subscriptions.Count, leads.Count, (DateTime.UtcNow - started).TotalSeconds);
    }

    private static async Task Copy<T>(NpgsqlConnection connection, string target, IEnumerable<T> rows, Func<NpgsqlBinaryImporter, T, Task> write)
    {
        await using var importer = await connection.BeginBinaryImportAsync($"COPY {target} FROM STDIN (FORMAT BINARY)");
        foreach (var row in rows)
        {
            await importer.StartRowAsync();
            await write(importer, row);
        }
        await importer.CompleteAsync();
    }
}
