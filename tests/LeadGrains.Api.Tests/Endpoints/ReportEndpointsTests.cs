using System.Net;
using LeadGrains.Api.Tests.Infrastructure;

namespace LeadGrains.Api.Tests.Endpoints;

/// <summary>Reports per niche and per provider by day, as JSON and as streamed CSV.</summary>
[Collection(ApiCollection.Name)]
public sealed class ReportEndpointsTests(LocalApiHost host)
{
    private readonly ApiDriver api = new(host);

    [Fact]
    public async Task A_day_of_distribution_adds_up_per_niche_and_per_provider_in_json_and_csv()
    {
        var ws = await api.Workspace();
        var niche = await api.Niche(ws, levels: 1);
        var nicheId = niche.Id("niche_id");
        var level = niche.Json.GetProperty("levels")[0].GetProperty("level_id").GetGuid();
        var price = niche.Json.GetProperty("levels")[0].GetProperty("price_cents").GetInt64();
        var provider = await api.Provider(ws, "Reported", depositCents: 100_000);
        await api.Subscribe(ws, provider, level, "TX");
        for (var i = 0; i < 3; i++)
        {
            var lead = await api.Lead(ws, nicheId);
            await ApiDriver.Expect(HttpStatusCode.OK, api.Post($"/api/v1/admin/leads/{lead}/approve", api.Tokens.Admin(ws)));
            await api.AwaitDistribution(ws, lead);
        }
        await api.Lead(ws, nicheId);   // in, not approved
        var ops = api.Tokens.Ops(ws);

        var byNiche = await ApiDriver.Expect(HttpStatusCode.OK, api.Get("/api/v1/admin/reports/niches", ops));
        var byProvider = await ApiDriver.Expect(HttpStatusCode.OK, api.Get($"/api/v1/admin/reports/providers?niche_id={nicheId}", ops));
        var csv = await ApiDriver.Expect(HttpStatusCode.OK, api.Get("/api/v1/admin/reports/niches?format=csv", ops));

        var day = byNiche.Json.GetProperty("items").EnumerateArray().Single();
        Assert.Equal(nicheId, day.GetProperty("niche_id").GetGuid());
        Assert.Equal(4, day.GetProperty("leads_in").GetInt64());
        Assert.Equal(3, day.GetProperty("distributed").GetInt64());
        Assert.Equal(3, day.GetProperty("assignments").GetInt64());
        Assert.Equal(3 * price, day.GetProperty("revenue_cents").GetInt64());
        Assert.True(day.GetProperty("average_seconds_to_distribute").GetDouble() >= 0);
        var providerDay = byProvider.Json.GetProperty("items").EnumerateArray().Single();
        Assert.Equal(provider, providerDay.GetProperty("provider_id").GetGuid());
        Assert.Equal(3 * price, providerDay.GetProperty("revenue_cents").GetInt64());
        Assert.Equal("text/csv", csv.ContentType);
        var lines = csv.Text.TrimEnd('\n').Split('\n');
        Assert.Equal("day,niche_id,leads_in,distributed,partial,no_eligible,failed_attempts,assignments,revenue_cents,average_seconds_to_distribute", lines[0]);
        Assert.StartsWith($"{DateTime.UtcNow:yyyy-MM-dd},{nicheId},4,3,0,0,0,3,{3 * price},", lines[1]);
        Assert.Equal(2, lines.Length);
    }

    [Theory]
    [InlineData("format=xml", "format")]
    [InlineData("from=2026-01-01T00:00:00Z&to=2026-12-01T00:00:00Z", "from")]
    [InlineData("niche_id=nope", "niche_id")]
    public async Task A_bad_report_request_is_a_400_naming_the_field(string query, string field)
    {
        var ws = await api.Workspace();

        var answer = await ApiDriver.Expect(HttpStatusCode.BadRequest, api.Get($"/api/v1/admin/reports/niches?{query}", api.Tokens.Ops(ws)));

        Assert.True(answer.Json.GetProperty("errors").TryGetProperty(field, out _), answer.ToString());
    }
}
