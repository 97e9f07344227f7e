using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using LeadGrains.Api.Tests.Infrastructure;
using Orleans.Runtime;

namespace LeadGrains.Api.Tests.Resilience;

/// <summary>
/// A silo that dies, a gateway connection that breaks or a grain call that times out is the
/// cluster changing under the caller, not a server bug: the API answers 503 with Retry-After as
/// problem details, and the same request a moment later succeeds.
/// </summary>
[Collection(SiloClusterCollection.Name)]
public sealed class ClusterFaultTests(SiloClusterApiHost host)
{
    public static TheoryData<string> Faults => ["silo unavailable", "gateway too busy", "connection reset", "grain call timeout"];

    private static Exception Fault(string name) => name switch
    {
        "silo unavailable" => new SiloUnavailableException("The target silo became unavailable."),
        "gateway too busy" => new GatewayTooBusyException("The gateway is shedding load."),
        "connection reset" => new OrleansException("The connection to the silo was lost.", new SocketException((int)SocketError.ConnectionReset)),
        "grain call timeout" => new TimeoutException("The grain call was not answered within the response timeout."),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [Theory]
    [MemberData(nameof(Faults))]
    public async Task A_transient_cluster_fault_in_a_grain_call_is_answered_503_with_retry_after(string fault)
    {
        var api = new ApiDriver(host);
        var ws = await api.Workspace();
        var niche = (await api.Niche(ws)).Id("niche_id");
        var lead = await api.Lead(ws, niche);

        Answer refused;
        using (InjectedFaults.On(lead, () => Fault(fault)))
        {
            refused = await api.Post($"/api/v1/admin/leads/{lead}/approve", api.Tokens.Admin(ws));
        }
        var retried = await api.Post($"/api/v1/admin/leads/{lead}/approve", api.Tokens.Admin(ws));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.Status);
        Assert.Equal("application/problem+json", refused.ContentType);
        Assert.Equal(503, refused.Json.GetProperty("status").GetInt32());
        Assert.Equal(TimeSpan.FromSeconds(1), refused.Response.Headers.RetryAfter?.Delta);
        Assert.Equal(HttpStatusCode.OK, retried.Status);
    }

    /// <summary>
    /// Leads in several niches (so on several silos) are approved by four callers that honour
    /// Retry-After, while one silo is killed: every answer is a success, a refusal the caller can
    /// act on, or a 503 with Retry-After; none is a 500, and every lead ends approved.
    /// </summary>
    [Fact]
    public async Task Killing_a_silo_while_leads_are_approved_gives_503s_with_retry_after_and_no_500()
    {
        var api = new ApiDriver(host);
        var ws = await api.Workspace();
        var niches = new List<Guid>();
        for (var i = 0; i < 6; i++)
        {
            niches.Add((await api.Niche(ws, $"kill-{i}")).Id("niche_id"));
        }
        var leads = new List<Guid>();
        for (var i = 0; i < 90; i++)
        {
            leads.Add(await api.Lead(ws, niches[i % niches.Count]));
        }

        var answers = new ConcurrentBag<Answer>();
        var queue = new ConcurrentQueue<Guid>(leads);
        var approved = 0;
        var killed = new TaskCompletionSource();
        async Task Approver()
        {
            while (queue.TryDequeue(out var lead))
            {
                while (true)
                {
                    var answer = await api.Post($"/api/v1/admin/leads/{lead}/approve", api.Tokens.Admin(ws));
                    answers.Add(answer);
                    // 409: an earlier try took effect although its answer was lost.
                    if (answer.Status is HttpStatusCode.OK or HttpStatusCode.Conflict)
                    {
                        if (Interlocked.Increment(ref approved) == 20)
                        {
                            killed.TrySetResult();
                        }
                        break;
                    }
                    await Task.Delay(answer.Response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1));
                }
            }
        }
        var approvers = Enumerable.Range(0, 4).Select(_ => Task.Run(Approver)).ToList();
        await killed.Task;
        await host.Cluster.KillSiloAsync(host.Cluster.SecondarySilos[0]);
        await Task.WhenAll(approvers);

        var unexpected = answers.Where(a => a.Status is not (HttpStatusCode.OK or HttpStatusCode.Conflict or HttpStatusCode.ServiceUnavailable)).ToList();
        Assert.True(unexpected.Count == 0, "unexpected answers:\n" + string.Join("\n", unexpected));
        Assert.All(answers.Where(a => a.Status == HttpStatusCode.ServiceUnavailable), a =>
        {
            Assert.Equal("application/problem+json", a.ContentType);
            Assert.NotNull(a.Response.Headers.RetryAfter?.Delta);
        });
        foreach (var lead in leads)
        {
            var detail = await ApiDriver.Expect(HttpStatusCode.OK, api.Get($"/api/v1/admin/leads/{lead}", api.Tokens.Ops(ws)));
            Assert.NotEqual("pending", detail.Str("status"));
        }
    }
}
