using Npgsql;

namespace LeadGrains.Benchmark.Workload;

/// <summary>
/// For <c>--caps</c>: gives every subscription caps and a budget per day, week and month and delivery
/// hours over the whole week, and every provider one of five time zones, all too generous to bind,
/// so a run distributes exactly as without them and measures only what checking and counting cost
/// (the niche's checks per candidate, the database guard and counters per assignment).
/// </summary>
public static class BuyerControlsLoader
{
    private const int Leads = 1_000_000;
    private const long BudgetCents = 100_000_000_000;

    public static async Task Apply(NpgsqlDataSource db)
    {
        await using var connection = await db.OpenConnectionAsync();
        await using var command = new NpgsqlCommand("""
            UPDATE providers
               SET time_zone = (ARRAY['America/New_York', 'Europe/Berlin', 'Asia/Kolkata', 'Australia/Sydney', 'UTC'])[1 + abs(hashtext(id::text)) % 5];
            UPDATE subscriptions
               SET leads_per_day = @leads, leads_per_week = @leads, leads_per_month = @leads,
                   budget_cents_per_day = @budget, budget_cents_per_week = @budget, budget_cents_per_month = @budget,
                   delivery_hours = (SELECT jsonb_agg(jsonb_build_object('day', d, 'from', '00:00', 'to', '24:00'))
                                       FROM unnest(ARRAY['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday']) d);
            ANALYZE providers, subscriptions;
            """, connection);
        command.Parameters.AddWithValue("leads", Leads);
        command.Parameters.AddWithValue("budget", BudgetCents);
        await command.ExecuteNonQueryAsync();
    }
}
