using LeadGrains.Grains.Delivery;
using LeadGrains.Grains.Distribution;
using LeadGrains.Grains.Jobs;
using LeadGrains.Grains.Leads;
using LeadGrains.Grains.Niches;
using LeadGrains.Grains.Operations;
using LeadGrains.Grains.Placement;
using LeadGrains.Grains.Providers;
using LeadGrains.Grains.Queues;
using LeadGrains.Grains.Returns;
using LeadGrains.Grains.Routing;
using LeadGrains.Grains.Workspaces;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Hosting;

namespace LeadGrains.Grains;

/// <summary>The services the grains depend on. The host registers the shared NpgsqlDataSource.</summary>
public static class ServiceCollectionExtensions
{
    public static IServiceCollection AddLeadGrains(this IServiceCollection services)
    {
        services.TryAddKeyedSingleton(LeadGrainsClock.Key, TimeProvider.System);
        services.AddMetrics();
        services.TryAddSingleton<LeadGrainsTelemetry>();
        services.TryAddSingleton<IDistributionProbe, NoDistributionProbe>();
        services.AddOptions<DistributionQueueOptions>().BindConfiguration(DistributionQueueOptions.Section);
        services.TryAddSingleton<WorkspaceStore>();
        services.TryAddSingleton<NicheStore>();
        services.TryAddSingleton<NicheDistributionServices>();
        services.TryAddSingleton<ProviderStore>();
        services.TryAddSingleton<ReturnStore>();
        services.TryAddSingleton<ReturnPolicyStore>();
        services.TryAddSingleton<ProviderReturns>();
        services.TryAddSingleton<LeadStore>();
        services.TryAddSingleton<LeadRowReader>();
        services.TryAddSingleton<LeadImportStore>();
        services.AddPlacementDirector<NichePlacement, NichePlacementDirector>();
        services.AddPlacementDirector<WithItsNichePlacement, NichePlacementDirector>();
        services.TryAddSingleton<DistributionStore>();
        services.TryAddSingleton<DeadLetterStore>();
        services.TryAddSingleton<DistributionCommitter>();
        services.AddHostedService(sp => sp.GetRequiredService<DistributionCommitter>());
        services.TryAddSingleton<DueLeadSweeper>();
        services.AddHostedService(sp => sp.GetRequiredService<DueLeadSweeper>());
        services.AddOptions<OperationsGaugeOptions>().BindConfiguration(OperationsGaugeOptions.Section);
        services.TryAddSingleton<OperationsGauges>();
        services.TryAddSingleton<FairnessGauge>();
        services.AddHostedService(sp => sp.GetRequiredService<OperationsGauges>());
        services.AddOptions<DeliveryOptions>().BindConfiguration(DeliveryOptions.Section)
            .Validate(WebhookSecretSeal.KeysAreValid, WebhookSecretSeal.MissingKey).ValidateOnStart();
        services.TryAddSingleton<WebhookSecretSeal>();
        services.TryAddSingleton<WebhookAddressGuard>();
        services.TryAddSingleton<DeliveryTelemetry>();
        services.TryAddSingleton<DeliveryCursor>();
        services.TryAddSingleton<DeliveryStore>();
        services.TryAddSingleton<DeliveryOperationsStore>();
        services.TryAddSingleton<WebhookChannel>();
        services.AddSingleton<IDeliveryChannel>(sp => sp.GetRequiredService<WebhookChannel>());
        services.TryAddSingleton<SmtpConnections>();
        services.AddSingleton<IDeliveryChannel, EmailChannel>();
        services.AddSingleton<IDeliveryChannel, SmsGatewayChannel>();
        services.TryAddSingleton<DeliveryWorker>();
        services.AddHostedService(sp => sp.GetRequiredService<DeliveryWorker>());
        services.AddSingleton<IScheduledJob, SubscriptionReactivationJob>();
        services.AddSingleton<IScheduledJob, LedgerReconciliationJob>();
        services.AddSingleton<IScheduledJob, LeadExpiryJob>();
        services.AddSingleton<IScheduledJob, DeadLetterCleanupJob>();
        services.AddSingleton<IScheduledJob, IdempotencyKeyCleanupJob>();
        services.AddSingleton<IScheduledJob, DeliveryRetentionJob>();
        services.AddOptions<ContactRetentionOptions>().BindConfiguration(ContactRetentionOptions.Section);
        services.AddSingleton<IScheduledJob, LeadContactPurgeJob>();
        services.AddSingleton<IScheduledJob, RoutingExpiryJob>();
        services.AddOptions<RoutingOptions>().BindConfiguration(RoutingOptions.Section);
        services.TryAddSingleton<RoutingTelemetry>();
        services.TryAddSingleton<RoutingStore>();
        services.TryAddSingleton<RoutingRuleCache>();
        services.TryAddSingleton<RoutingSweeper>();
        services.AddHostedService(sp => sp.GetRequiredService<RoutingSweeper>());
        services.AddHostedService<ScheduledJobRegistration>();
        return services;
    }
}
