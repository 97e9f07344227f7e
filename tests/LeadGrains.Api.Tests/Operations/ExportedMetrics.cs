using System.Net;
using LeadGrains.Api.Tests.Endpoints;
using LeadGrains.Api.Tests.Infrastructure;
using LeadGrains.Abstractions.Jobs;
using LeadGrains.Grains.Operations;
using Microsoft.Extensions.DependencyInjection;

namespace LeadGrains.Api.Tests.Operations;

/// <summary>
/// <c>/metrics</c> as it reads once the host has done a bit of everything: intake, approval,
/// distribution, a duplicate, a deposit, a dead letter, a return and its refund, a job run and a gauge sample. A counter
/// appears only once something counted, so the checks of names need this activity first. Scraped
/// once per host and kept as a test artefact (<c>metrics.prom</c>) for <c>promtool check metrics</c>.
/// </summary>
public static class ExportedMetrics
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static PrometheusText? scraped;

    /// <summary>Workspace, provider, lead and dead-letter ids the activity used: none may appear in /metrics.</summary>
    public static List<Guid> Ids { get; } = [];

    public static async Task<PrometheusText> AfterActivity(LocalApiHost host)
    {
        await Gate.WaitAsync();
        try
        {
            if (scraped is null)
            {
                await DoABitOfEverything(host);
                var response = await host.Client.GetAsync("/metrics");
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                scraped = new PrometheusText(await response.Content.ReadAsStringAsync());
                await File.WriteAllTextAsync(Path.Combine(Repository.Artifacts(), "metrics.prom"), scraped.Text);
            }
            return scraped;
        }
        finally
        {
            Gate.Release();
        }
    }

    private static async Task DoABitOfEverything(LocalApiHost host)
    {
        var api = new ApiDriver(host);
        var ws = await api.Workspace("metrics");
        var niche = await api.Niche(ws);
        var nicheId = niche.Id("niche_id");
        var levels = niche.Json.GetProperty("levels").EnumerateArray().Select(l => l.GetProperty("level_id").GetGuid()).ToArray();
        var funded = await api.Provider(ws, "Funded", depositCents: 100_000);
        var broke = await api.Provider(ws, "Broke");
        await api.Subscribe(ws, funded, levels[0], "TX");
        await api.Subscribe(ws, broke, levels[1], "TX");
        var email = $"{Guid.NewGuid():N}@leads.example.com";
        var phone = ApiDriver.RandomPhone();
        var lead = await api.Lead(ws, nicheId, email, phone);
        var duplicate = await api.Lead(ws, nicheId, email, phone);
        await ApiDriver.Expect(HttpStatusCode.OK, api.Post($"/api/v1/admin/leads/{lead}/approve", api.Tokens.Admin(ws)));
        await api.AwaitDistribution(ws, lead);
        var (deadLead, deadLetter) = await QueueEndpointsTests.DeadLetter(api, ws, nicheId);
        var purchase = await ReturnEndpointsTests.Bought(api, workspace: ws);
        var requested = await ApiDriver.Expect(HttpStatusCode.Created, api.Post("/api/v1/provider/returns", purchase.ProviderToken,
            new { assignment_id = purchase.Assignment, reason = "wrong_contact", note = "disconnected" }));
        await ApiDriver.Expect(HttpStatusCode.OK, api.Post($"/api/v1/admin/returns/{requested.Id("return_id")}/approve", api.Tokens.Admin(ws)));
        // Niche and level ids are labels on purpose (configuration, bounded); these are not.
        Ids.AddRange([ws, funded, broke, lead, duplicate, deadLead, deadLetter, purchase.Provider, purchase.Lead, purchase.Assignment, requested.Id("return_id")]);

        var grains = host.Services.GetRequiredService<IGrainFactory>();
        await grains.GetGrain<IScheduledJobGrain>("ledger-reconciliation").RunNow();
        await host.Services.GetRequiredService<OperationsGauges>().Sample(CancellationToken.None);
    }
}
