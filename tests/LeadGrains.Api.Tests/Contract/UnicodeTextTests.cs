using System.Net;
using LeadGrains.Api.Tests.Infrastructure;

namespace LeadGrains.Api.Tests.Contract;

/// <summary>
/// Text is stored in Unicode NFC, so "é" sent as e + a combining accent is the same name as "é"
/// sent as one code point; text that cannot be stored at all is refused where it enters.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class UnicodeTextTests(LocalApiHost host)
{
    private const string Composed = "Jos\u00e9";
    private const string Decomposed = "Jose\u0301";

    [Fact]
    public async Task Names_and_attributes_are_stored_composed()
    {
        var api = new ApiDriver(host);
        var ws = await api.Workspace();
        var niche = await ApiDriver.Expect(HttpStatusCode.Created, api.Send(HttpMethod.Post, "/api/v1/admin/niches", api.Tokens.Admin(ws),
            new { name = "Caf" + "e\u0301", levels = new[] { new { name = Decomposed, order_position = 1, max_recipients = 1, price_cents = 100 } } }));
        var provider = await ApiDriver.Expect(HttpStatusCode.Created, api.Post("/api/v1/admin/providers", api.Tokens.Admin(ws),
            new { name = Decomposed, email = "p@example.com" }));
        var lead = await ApiDriver.Expect(HttpStatusCode.Created, api.Post("/api/v1/leads", api.Tokens.Approver(ws), new
        {
            niche_id = niche.Id("niche_id"),
            contact = new { first_name = Decomposed, last_name = "Garci\u0301a", email = "jose@example.com", phone = ApiDriver.RandomPhone() },
            attributes = new Dictionary<string, object> { ["state"] = "TX", ["city"] = "Montre\u0301al" },
        }));

        Assert.Equal("Caf\u00e9", await Db.Scalar<string>(host, "SELECT name FROM niches WHERE id = @id", new { id = niche.Id("niche_id") }));
        Assert.Equal(Composed, await Db.Scalar<string>(host, "SELECT name FROM competition_levels WHERE niche_id = @id", new { id = niche.Id("niche_id") }));
        Assert.Equal(Composed, await Db.Scalar<string>(host, "SELECT name FROM providers WHERE id = @id", new { id = provider.Id("provider_id") }));
        var stored = (await Db.Query<(string FirstName, string LastName, string City)>(host,
            "SELECT first_name, last_name, attributes->>'city' FROM leads WHERE id = @id", new { id = lead.Id("lead_id") })).Single();
        Assert.Equal((Composed, "Garc\u00eda", "Montr\u00e9al"), stored);
    }

    [Fact]
    public async Task A_csv_row_with_a_NUL_is_rejected_by_its_line_and_the_rest_imported()
    {
        var api = new ApiDriver(host);
        var ws = await api.Workspace();
        var niche = (await api.Niche(ws)).Id("niche_id");
        var csv = string.Join("\n",
            "lead_id,niche_id,workspace_id,state,email,phone,first_name,last_name",
            $"{Guid.NewGuid()},{niche},{ws},TX,{Guid.NewGuid():N}@import.example.com,{ApiDriver.RandomPhone()},A\0nn,Ames",
            $"{Guid.NewGuid()},{niche},{ws},TX,{Guid.NewGuid():N}@import.example.com,{ApiDriver.RandomPhone()},Ben,Bell") + "\n";

        var report = await ApiDriver.Expect(HttpStatusCode.OK,
            api.Send(HttpMethod.Post, "/api/v1/admin/leads/import", api.Tokens.Admin(ws), rawBody: csv, contentType: "text/csv"));

        Assert.Equal(1, report.Json.GetProperty("accepted").GetInt32());
        var rejected = Assert.Single(report.Json.GetProperty("rejected").EnumerateArray());
        Assert.Equal(2, rejected.GetProperty("line").GetInt64());
        Assert.Contains("contact.first_name", rejected.GetProperty("reason").GetString());
    }
}
