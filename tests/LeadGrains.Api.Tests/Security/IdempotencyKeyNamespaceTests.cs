using System.Net;
using LeadGrains.Api.Tests.Infrastructure;

namespace LeadGrains.Api.Tests.Security;

/// <summary>
/// A caller's Idempotency-Key lives in the deposits' own namespace: whatever it spells, it cannot
/// block a charge. (Charges once were ledger entries keyed <c>charge:&lt;lead id&gt;</c>, so a
/// deposit under that key made every later distribution of that lead to that provider fail.)
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class IdempotencyKeyNamespaceTests(LocalApiHost host)
{
    [Fact]
    public async Task A_deposit_keyed_like_a_charge_does_not_stop_that_lead_from_charging_that_provider()
    {
        var api = new ApiDriver(host);
        var ws = await api.Workspace();
        var niche = await api.Niche(ws);
        var level = niche.Json.GetProperty("levels")[0].GetProperty("level_id").GetGuid();
        var provider = await api.Provider(ws);
        await api.Subscribe(ws, provider, level);
        var lead = await api.Lead(ws, niche.Id("niche_id"));

        var deposit = await api.Deposit(ws, provider, 10_000, key: $"charge:{lead}");
        await ApiDriver.Expect(HttpStatusCode.OK, api.Post($"/api/v1/admin/leads/{lead}/approve", api.Tokens.Admin(ws)));
        var status = await api.AwaitDistribution(ws, lead);

        Assert.Equal(10_000, deposit.Long("balance_cents"));
        Assert.Equal("distributed", status.Str("lead_status"));
        Assert.Equal(1, await Db.Scalar<int>(host,
            "SELECT count(*) FROM lead_assignments WHERE lead_id = @lead AND provider_id = @provider", new { lead, provider }));
        Assert.Equal(10_000 - 4_000, await Db.Scalar<long>(host, "SELECT balance_cents FROM providers WHERE id = @provider", new { provider }));
        Assert.Equal(0, await Db.Scalar<int>(host, "SELECT count(*) FROM distribution_runs WHERE lead_id = @lead AND status = 'failed'", new { lead }));
    }
}
