using System.Net;
using LeadGrains.Api.Tests.Infrastructure;

namespace LeadGrains.Api.Tests.Security;

/// <summary>
/// A CSV import's <c>lead_id</c> names a lead within the importing workspace only; the stored id is
/// derived by the server. (Stored as given, an id another workspace used answered "taken" — an
/// existence oracle — and a tenant could take another's lead id before it was imported.)
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class CallerChosenLeadIdTests(LocalApiHost host)
{
    private const string Header = "lead_id,niche_id,workspace_id,state,email,phone,first_name,last_name";

    [Fact]
    public async Task An_id_another_workspace_imported_is_no_oracle()
    {
        var api = new ApiDriver(host);
        var (victim, victimNiche) = await Market(api, "victim");
        var (prober, proberNiche) = await Market(api, "prober");
        var fileLeadId = Guid.NewGuid();
        await Import(api, victim, Row(fileLeadId, victimNiche, victim));

        var probe = await Import(api, prober, Row(fileLeadId, proberNiche, prober));

        Assert.Equal(1, probe.Json.GetProperty("accepted").GetInt32());
        Assert.Empty(probe.Json.GetProperty("rejected").EnumerateArray());
        Assert.Equal(1, await Db.Scalar<int>(host, "SELECT count(*) FROM leads WHERE workspace_id = @victim", new { victim }));
        Assert.Equal(0, await Db.Scalar<int>(host, "SELECT count(*) FROM leads WHERE id = @fileLeadId", new { fileLeadId }));
    }

    [Fact]
    public async Task An_id_claimed_first_by_another_workspace_does_not_block_its_owner()
    {
        var api = new ApiDriver(host);
        var (owner, ownerNiche) = await Market(api, "owner");
        var (squatter, squatterNiche) = await Market(api, "squatter");
        var fileLeadId = Guid.NewGuid();
        await Import(api, squatter, Row(fileLeadId, squatterNiche, squatter));

        var report = await Import(api, owner, Row(fileLeadId, ownerNiche, owner));

        Assert.Equal(1, report.Json.GetProperty("accepted").GetInt32());
        Assert.Empty(report.Json.GetProperty("rejected").EnumerateArray());
        Assert.Equal(1, await Db.Scalar<int>(host, "SELECT count(*) FROM leads WHERE workspace_id = @owner", new { owner }));
    }

    [Fact]
    public async Task Importing_the_same_file_again_reaches_the_same_leads()
    {
        var api = new ApiDriver(host);
        var (ws, niche) = await Market(api, "again");
        var row = Row(Guid.NewGuid(), niche, ws);
        await Import(api, ws, row);

        var again = await Import(api, ws, row);

        Assert.Equal(0, again.Json.GetProperty("accepted").GetInt32());
        Assert.Equal(1, again.Json.GetProperty("duplicates").GetInt32());
        Assert.Equal(1, await Db.Scalar<int>(host, "SELECT count(*) FROM leads WHERE workspace_id = @ws", new { ws }));
    }

    private static async Task<(Guid Workspace, Guid Niche)> Market(ApiDriver api, string name)
    {
        var ws = await api.Workspace(name);
        return (ws, (await api.Niche(ws)).Id("niche_id"));
    }

    private static string Row(Guid leadId, Guid niche, Guid ws) =>
        $"{leadId},{niche},{ws},TX,{Guid.NewGuid():N}@import.example.com,{ApiDriver.RandomPhone()},Ann,Ames";

    private static Task<Answer> Import(ApiDriver api, Guid ws, string row) =>
        ApiDriver.Expect(HttpStatusCode.OK, api.Send(HttpMethod.Post, "/api/v1/admin/leads/import", api.Tokens.Admin(ws),
            rawBody: Header + "\n" + row + "\n", contentType: "text/csv"));
}
