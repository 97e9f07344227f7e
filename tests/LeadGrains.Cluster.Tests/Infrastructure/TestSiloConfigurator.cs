using LeadGrains.Grains;
using LeadGrains.Grains.Delivery;
using LeadGrains.Grains.Distribution;
using LeadGrains.Hosting;
using LeadGrains.Silo.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Time.Testing;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace LeadGrains.Cluster.Tests.Infrastructure;

/// <summary>The production silo configuration (mutual TLS included); the fixture sets the membership timings (<see cref="ClusterFixture.QuickFailureDetection"/>).</summary>
public sealed class TestSiloConfigurator : ISiloConfigurator
{
    /// <summary>Seals the webhook secrets the tests' providers get (32 bytes, base64), unless a test names its own keys.</summary>
    public const string WebhookSecretsKey = "Y2x1c3Rlci10ZXN0cy13ZWJob29rLXNlY3JldHMta2U=";

    public void Configure(ISiloBuilder siloBuilder)
    {
        siloBuilder.AddLeadGrainsSilo();
        siloBuilder.Services.PostConfigure<DeliveryOptions>(o => o.SecretKeys = o.SecretKeys is [] ? [WebhookSecretsKey] : o.SecretKeys);
        siloBuilder.UseLeadGrainsTls(LeadGrainsClusterOptions.From(siloBuilder.Configuration).Tls);
        // Drills fail or hold distributions through this probe; production's does nothing.
        siloBuilder.Services.AddSingleton<DistributionInterruptions>();
        siloBuilder.Services.AddSingleton<IDistributionProbe>(sp => sp.GetRequiredService<DistributionInterruptions>());
        // The last channel registered under a name wins: delivery tests can make the webhook sender drop messages.
        siloBuilder.Services.AddSingleton<DeliveryFaults>();
        siloBuilder.Services.AddSingleton<IDeliveryChannel, FaultableWebhookChannel>();
        if (siloBuilder.Configuration.GetValue<bool>(VirtualTime.SettingKey))
        {
            // The last registration wins over the grains' default: business time is virtual, Orleans keeps real time.
            siloBuilder.Services.AddKeyedSingleton<TimeProvider>(LeadGrainsClock.Key,
                new FakeTimeProvider(siloBuilder.Configuration.GetValue<DateTimeOffset>(VirtualTime.StartKey))
                {
                    // Every reading moves on a microsecond, so successive charges still have distinct times.
                    AutoAdvanceAmount = TimeSpan.FromMicroseconds(1),
                });
        }
    }
}
