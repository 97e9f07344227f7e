using LeadGrains.Abstractions.Leads;
using LeadGrains.Abstractions.Niches;
using LeadGrains.SampleApprovalClient;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;

// A sample approval service: it joins the LeadGrains cluster as an Orleans client and drives one
// lead through submit → approve → distribute using nothing but LeadGrains.Abstractions.
//
//   LeadGrains.SampleApprovalClient <workspace-id> <niche-id>   a lead for an existing niche
//   LeadGrains.SampleApprovalClient --demo                      creates a demo workspace first
//   ... --load N                                                 instead submits and approves N leads
//                                                                (the service's steady traffic; approval
//                                                                queues each distribution)
//
// Settings come from appsettings.json, the environment (ConnectionStrings__LeadGrains,
// LeadGrains__ClusterId, LeadGrains__ServiceId, LeadGrains__Tls__CertificatePath, ...KeyPath,
// ...CaCertificatePath) or --Key=value arguments (--ConnectionStrings:LeadGrains=..., --LeadGrains:ClusterId=...).
const string Actor = "sample-approval-client";

var demo = args.Contains("--demo");
var loadIndex = Array.IndexOf(args, "--load");
var load = loadIndex >= 0 && loadIndex + 1 < args.Length && int.TryParse(args[loadIndex + 1], out var n) ? n : 0;
var ids = args.Where((a, i) => !a.StartsWith("--", StringComparison.Ordinal) && (loadIndex < 0 || i != loadIndex + 1)).ToArray();
Guid workspaceId = default, nicheId = default;
var idsGiven = ids.Length == 2 && Guid.TryParse(ids[0], out workspaceId) && Guid.TryParse(ids[1], out nicheId);
if (demo ? ids.Length > 0 : !idsGiven)
{
    Console.Error.WriteLine("usage: LeadGrains.SampleApprovalClient (<workspace-id> <niche-id> | --demo) [--load N] [--Key=value ...]");
    return 2;
}

var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
{
    Args = args.Where(a => a.StartsWith("--", StringComparison.Ordinal) && a.Contains('=')).ToArray(),
    // appsettings.json sits next to the binary; this finds it whatever the working directory.
    ContentRootPath = AppContext.BaseDirectory,
});
var connectionString = builder.Configuration.GetConnectionString("LeadGrains")
    ?? throw new InvalidOperationException("ConnectionStrings:LeadGrains is not configured.");
// Both must match the silos': the cluster id selects the cluster's rows in the membership table.
var clusterId = builder.Configuration["LeadGrains:ClusterId"] ?? "leadgrains-local";
var serviceId = builder.Configuration["LeadGrains:ServiceId"] ?? "leadgrains";
builder.UseOrleansClient(client => client
    .Configure<ClusterOptions>(cluster =>
    {
        cluster.ClusterId = clusterId;
        cluster.ServiceId = serviceId;
    })
    // The silos publish their gateway addresses in PostgreSQL; no address is configured here.
    .UseAdoNetClustering(clustering =>
    {
        clustering.Invariant = "Npgsql";
        clustering.ConnectionString = connectionString;
    })
    .UseClusterTls(builder.Configuration));

using var host = builder.Build();
// The client keeps waiting for a gateway to appear; a one-shot tool should give up and say why.
using (var connectTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
{
    try
    {
        await host.StartAsync(connectTimeout.Token);
    }
    catch (OperationCanceledException)
    {
        Console.Error.WriteLine($"No silo of cluster '{clusterId}' answered within 30 s. Is it running (deploy/local/run.sh)?");
        return 1;
    }
}
var grains = host.Services.GetRequiredService<IClusterClient>();

if (demo)
{
    (workspaceId, nicheId) = await DemoDataset.Create(grains);
}
var niche = await grains.GetGrain<INicheGrain>(nicheId).Get();
if (niche is null || niche.WorkspaceId != workspaceId)
{
    Console.Error.WriteLine($"Niche {nicheId} does not exist in workspace {workspaceId}.");
    return 1;
}

if (load > 0)
{
    var approvedCount = await SteadyLoad.SubmitAndApprove(grains, workspaceId, nicheId, load, Actor);
    Console.WriteLine($"Submitted and approved {approvedCount} of {load} lead(s) in niche {nicheId}.");
    await host.StopAsync();
    return approvedCount == load ? 0 : 1;
}

// The caller picks the lead id, so a retried submit after a timeout is recognized, not duplicated.
var leadId = Guid.NewGuid();
var lead = grains.GetGrain<ILeadGrain>(leadId);

var submitted = await lead.Submit(SampleLead.For(workspaceId, nicheId, leadId));
Console.WriteLine($"Submitted lead {leadId}: {submitted.Outcome}, status {submitted.Status}");
if (submitted.Outcome != SubmitOutcome.Accepted)
{
    foreach (var (field, messages) in submitted.Errors)
    {
        Console.Error.WriteLine($"  {field}: {string.Join(" ", messages)}");
    }
    return 1;
}

var approved = await lead.Approve(Actor);
Console.WriteLine($"Approved: {approved.Outcome}, status {approved.Status}"
    + (approved.DistributionQueued ? " (automatic distribution queued)" : ""));
if (approved.Outcome != LeadCommandOutcome.Done)
{
    return 1;
}

// If approval already queued a distribution, this call either runs it first or finds it done
// (AlreadyCompleted with the stored result); either way nobody is charged twice.
var distributed = await lead.Distribute(Actor);
Console.WriteLine($"Distribute: {distributed.Outcome}, lead status {distributed.Status}");
if (distributed.Outcome is not (DistributeOutcome.Completed or DistributeOutcome.AlreadyCompleted) || distributed.Result is null)
{
    return 1;
}
DistributionReport.Print(distributed.Result, niche);

await host.StopAsync();
return 0;
