using System.Net;
using LeadGrains.Abstractions.Leads;
using LeadGrains.Api.Errors;
using LeadGrains.Api.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace LeadGrains.Api.Tests.Resilience;

/// <summary>
/// A restarted API serves HTTP before its Orleans client has reached a gateway and read the cluster
/// manifest, and until then cannot map a grain interface to a grain ("no implementation for
/// interface"): the fault campaign's API kill saw 34 of 124 leads' requests answered 500 then. The
/// grain factory here is a real Orleans client's that has not connected, in the API's error handling
/// with <see cref="ClusterReadinessGate"/>, and, as the control, without it. (The whole API cannot be
/// hosted in process in that state: its host's start waits for the client to connect.)
/// </summary>
public sealed class ClusterReadinessGateTests
{
    [Fact]
    public async Task Before_the_API_knows_the_cluster_a_grain_request_is_answered_503_with_retry_after()
    {
        using var answer = await Request(gated: true);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, answer.StatusCode);
        Assert.Equal("application/problem+json", answer.Content.Headers.ContentType?.MediaType);
        Assert.Equal(TimeSpan.FromSeconds(3), answer.Headers.RetryAfter?.Delta);
    }

    [Fact]
    public async Task Control_without_the_gate_the_same_request_is_answered_500()
    {
        using var answer = await Request(gated: false);

        Assert.Equal(HttpStatusCode.InternalServerError, answer.StatusCode);
    }

    private static async Task<HttpResponseMessage> Request(bool gated)
    {
        var client = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        client.UseOrleansClient(orleans => orleans.UseLocalhostClustering());
        // Never started: no gateway reached, no manifest read, as an API whose client is still connecting.
        using var unconnected = client.Build();

        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Services.AddSingleton(unconnected.Services.GetRequiredService<IGrainFactory>());
        builder.Services.AddSingleton(new RequestBoundsOptions { RetryAfter = TimeSpan.FromSeconds(3) });
        await using var app = builder.Build();
        app.UseMiddleware<ProblemMiddleware>();
        if (gated)
        {
            app.UseMiddleware<ClusterReadinessGate>();
        }
        app.MapGet("/api/v1/admin/leads/{id:guid}", async (Guid id, IGrainFactory grains) => await grains.GetGrain<ILeadGrain>(id).Get());
        await app.StartAsync();
        return await app.GetTestClient().GetAsync($"/api/v1/admin/leads/{Guid.NewGuid()}");
    }
}
