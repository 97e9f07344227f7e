using System.Net;
using System.Text;
using Dapper;
using LeadGrains.Abstractions.Leads;
using LeadGrains.Api.Leads;
using LeadGrains.Api.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace LeadGrains.Api.Tests.Leads;

/// <summary>CSV import as a job: answered at once, followed to its report, ids derived server-side, every column kept.</summary>
[Collection(ApiCollection.Name)]
public sealed class LeadImportJobTests(LocalApiHost host)
{
    private readonly ApiDriver api = new(host);

    private const string Header = "niche_id,state,zip,amount_cents,email,phone,first_name,last_name,project";

    private static string Row(Guid niche, string email, string project = "roof") =>
        $"{niche},TX,75201,250000,{email},{ApiDriver.RandomPhone()},Ann,Ames,{project}";

    [Fact]
    public async Task A_file_without_lead_or_workspace_ids_runs_as_a_job_to_a_report_and_keeps_every_column()
    {
        var ws = await api.Workspace("import-job");
        var niche = (await api.Niche(ws)).Id("niche_id");
        var rows = Enumerable.Range(0, 600).Select(i => Row(niche, $"buyer{i}@import.example.com")).ToList();
        rows[9] = "too,few,fields";                                          // line 11
        rows[19] = Row(niche, "not-an-email");                               // line 21
        rows[29] = rows[0];                                                  // line 31: line 2 again
        var csv = Header + "\n" + string.Join("\n", rows) + "\n";

        var started = await ApiDriver.Expect(HttpStatusCode.Accepted, api.Send(HttpMethod.Post, "/api/v1/admin/lead-imports",
            api.Tokens.Admin(ws), rawBody: csv, contentType: "text/csv"));
        var importId = started.Id("import_id");
        Assert.Equal(600, started.Json.GetProperty("total_rows").GetInt32());
        Assert.Equal($"/api/v1/admin/lead-imports/{importId}", started.Response.Headers.Location?.OriginalString);

        var report = await Completed(ws, importId);
        Assert.Equal(600, report.Json.GetProperty("rows_done").GetInt32());
        Assert.Equal(597, report.Json.GetProperty("accepted").GetInt32());
        Assert.Equal(1, report.Json.GetProperty("duplicates").GetInt32());
        var rejected = report.Json.GetProperty("rejected").EnumerateArray().ToList();
        Assert.Equal([11L, 21L], rejected.Select(r => r.GetProperty("line").GetInt64()));
        Assert.Contains("fields", rejected[0].GetProperty("reason").GetString());
        Assert.Contains("email", rejected[1].GetProperty("reason").GetString(), StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("not-an-email", report.Text);

        await using var connection = await host.Database.OpenConnectionAsync();
        var lead = await connection.QuerySingleAsync<(string Zip, long AmountCents, string Project)>(
            "SELECT zip, amount_cents, attributes ->> 'project' FROM leads WHERE workspace_id = @ws AND email = 'buyer1@import.example.com'", new { ws });
        Assert.Equal(("75201", 250_000L, "roof"), lead);
        // No contact data stays behind in the job's own tables once it is done.
        Assert.Equal(0, await connection.QuerySingleAsync<long>("SELECT count(*) FROM lead_import_rows WHERE import_id = @importId", new { importId }));

        var otherWorkspace = await api.Workspace("import-job-other");
        await ApiDriver.Expect(HttpStatusCode.NotFound, api.Get($"/api/v1/admin/lead-imports/{importId}", api.Tokens.Admin(otherWorkspace)));
    }

    [Fact]
    public async Task An_import_started_again_while_it_runs_or_after_it_ended_counts_each_row_once()
    {
        var ws = await api.Workspace("import-job-twice");
        var niche = (await api.Niche(ws)).Id("niche_id");
        var csv = Header + "\n" + string.Join("\n", Enumerable.Range(0, 300).Select(i => Row(niche, $"twice{i}@import.example.com"))) + "\n";
        var upload = await host.Services.GetRequiredService<LeadImportUploads>()
            .Store(new MemoryStream(Encoding.UTF8.GetBytes(csv)), ws, "test-admin", DateTimeOffset.UtcNow, CancellationToken.None);

        // A silo that comes back (the reminder) and an operator's call may both start it.
        var grain = host.Services.GetRequiredService<IGrainFactory>().GetGrain<ILeadImportGrain>(upload.ImportId);
        await Task.WhenAll(grain.Start(), grain.Start());
        var report = await Completed(ws, upload.ImportId);
        await grain.Start();

        Assert.Equal((300, 300, 0), (report.Json.GetProperty("rows_done").GetInt32(), report.Json.GetProperty("accepted").GetInt32(),
            report.Json.GetProperty("duplicates").GetInt32()));
        Assert.Equal(300, (await Completed(ws, upload.ImportId)).Json.GetProperty("rows_done").GetInt32());
        Assert.Equal(300, await Db.Scalar<long>(host, "SELECT count(*) FROM leads WHERE workspace_id = @ws", new { ws }));
    }

    [Fact]
    public async Task A_header_without_the_required_columns_ends_the_import_at_once_with_line_one_rejected()
    {
        var ws = await api.Workspace("import-job-header");
        var started = await ApiDriver.Expect(HttpStatusCode.Accepted, api.Send(HttpMethod.Post, "/api/v1/admin/lead-imports",
            api.Tokens.Admin(ws), rawBody: "email,phone\na@b.example.com,2145550100\n", contentType: "text/csv"));

        Assert.Equal("completed", started.Str("status"));
        Assert.Equal(0, started.Json.GetProperty("total_rows").GetInt32());
        Assert.Equal(1, started.Json.GetProperty("rejected")[0].GetProperty("line").GetInt64());
    }

    private async Task<Answer> Completed(Guid ws, Guid importId)
    {
        for (var i = 0; i < 600; i++)
        {
            var current = await ApiDriver.Expect(HttpStatusCode.OK, api.Get($"/api/v1/admin/lead-imports/{importId}", api.Tokens.Ops(ws)));
            Assert.True(current.Json.GetProperty("rows_done").GetInt32() <= current.Json.GetProperty("total_rows").GetInt32());
            if (current.Str("status") == "completed")
            {
                return current;
            }
            await Task.Delay(50);
        }
        throw new TimeoutException($"import {importId} did not complete");
    }
}
