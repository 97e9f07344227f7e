using System.Diagnostics;
using System.Text.Json.Nodes;
using LeadGrains.Abstractions;
using LeadGrains.Abstractions.Delivery;
using LeadGrains.Domain.Delivery;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;

namespace LeadGrains.Grains.Delivery;

/// <summary>
/// Operators' actions on one workspace's deliveries. Stateless: every action is one guarded SQL
/// statement, so calls may run on any silo, in parallel.
/// </summary>
[StatelessWorker]
public sealed class DeliveryOperationsGrain(
    DeliveryOperationsStore store,
    WebhookChannel webhooks,
    IOptions<DeliveryOptions> options,
    [FromKeyedServices(LeadGrainsClock.Key)] TimeProvider clock,
    ILogger<DeliveryOperationsGrain> logger) : Grain, IDeliveryOperationsGrain
{
    private static readonly string[] Channels = ["email", "webhook", "sms"];

    private Guid WorkspaceId => this.GetPrimaryKey();

    public async Task<ResendResult> Resend(Guid assignmentId, string? channel, string actor)
    {
        if (channel is not null && !Channels.Contains(channel))
        {
            throw new ValidationFailedException("channel", "must be email, webhook or sms.");
        }
        if (!await store.AssignmentExists(WorkspaceId, assignmentId))
        {
            return new ResendResult(ResendOutcome.AssignmentNotFound, []);
        }
        var now = clock.GetUtcNow();
        var pending = await store.Resend(WorkspaceId, assignmentId, channel, now, now + options.Value.GiveUpAfter);
        logger.LogInformation("Deliveries of assignment {AssignmentId} resent by {Actor}: {Count}", assignmentId, actor, pending.Count);
        return new ResendResult(pending.Count == 0 ? ResendOutcome.NoDelivery : ResendOutcome.Queued, pending);
    }

    public Task<DeadDeliveryOutcome> Retry(Guid deliveryId, string actor)
    {
        var now = clock.GetUtcNow();
        logger.LogInformation("Dead delivery {DeliveryId} retried by {Actor}", deliveryId, actor);
        return store.Retry(WorkspaceId, deliveryId, now, now + options.Value.GiveUpAfter);
    }

    public Task<DeadDeliveryOutcome> Resolve(Guid deliveryId, string actor, string? note)
    {
        if (note is { Length: > 2000 })
        {
            throw new ValidationFailedException("note", "must be at most 2000 characters.");
        }
        return store.Resolve(WorkspaceId, deliveryId, actor, note, clock.GetUtcNow());
    }

    public async Task<TestFireResult> TestFire(Guid providerId)
    {
        var messageId = WebhookChannel.MessageId(Guid.NewGuid());
        var target = await store.Webhook(WorkspaceId, providerId);
        if (target?.WebhookUrl is null || target.WebhookSecret is null || !Uri.TryCreate(target.WebhookUrl, UriKind.Absolute, out var url))
        {
            return new TestFireResult("no_webhook", null, "the provider has no webhook URL", 0, messageId);
        }
        var now = clock.GetUtcNow();
        var body = new JsonObject
        {
            ["type"] = "webhook.test",
            ["timestamp"] = now.ToString("O"),
            ["data"] = new JsonObject { ["provider_id"] = providerId },
        }.ToJsonString();
        var previousExpires = target.WebhookPreviousSecretExpiresAt is { } expires ? new DateTimeOffset(DateTime.SpecifyKind(expires, DateTimeKind.Utc)) : (DateTimeOffset?)null;
        var watch = Stopwatch.StartNew();
        var result = await webhooks.Post(url, target.WebhookSecret, target.WebhookPreviousSecret, previousExpires, messageId, body, CancellationToken.None);
        return new TestFireResult(result.Outcome.ToString().ToLowerInvariant(), result.StatusCode, result.Error, (int)watch.ElapsedMilliseconds, messageId);
    }

    public async Task<TemplateView> GetTemplate(CancellationToken cancellationToken)
    {
        var row = await store.Template(WorkspaceId, cancellationToken);
        var variables = MessageTemplate.Variables.Order(StringComparer.Ordinal).ToList();
        return row is null
            ? new TemplateView("lead_assigned", Parts(MessageTemplate.LeadAssigned), true, variables, null)
            : new TemplateView("lead_assigned", new TemplateParts(row.Subject, row.TextBody, row.HtmlBody), false, variables,
                new DateTimeOffset(DateTime.SpecifyKind(row.UpdatedAt, DateTimeKind.Utc)));
    }

    public async Task<TemplateView> SaveTemplate(TemplateParts template, string actor)
    {
        Checked(template);
        await store.SaveTemplate(WorkspaceId, template, actor, clock.GetUtcNow());
        return await GetTemplate(CancellationToken.None);
    }

    public async Task<TemplateParts> Preview(TemplateParts? template)
    {
        var checkedTemplate = template is null ? Template((await GetTemplate(CancellationToken.None)).Parts) : Checked(template);
        return Parts(checkedTemplate.Render(SampleValues));
    }

    private static MessageTemplate Checked(TemplateParts parts)
    {
        var template = Template(parts);
        var errors = template.Check();
        return errors.Count > 0 ? throw new ValidationFailedException(errors) : template;
    }

    private static MessageTemplate Template(TemplateParts parts) => new(parts.Subject ?? "", parts.Text ?? "", parts.Html ?? "");

    private static TemplateParts Parts(MessageTemplate template) => new(template.Subject, template.Text, template.Html);

    private static TemplateParts Parts(RenderedMessage message) => new(message.Subject, message.Text, message.Html);

    /// <summary>What a preview is filled with: made-up values, never a real lead's.</summary>
    private IReadOnlyDictionary<string, string> SampleValues => new Dictionary<string, string>
    {
        ["niche_name"] = "movers-dallas",
        ["provider_name"] = "Sample Movers LLC",
        ["level_name"] = "Exclusive",
        ["amount_charged"] = "$30.00",
        ["assignment_id"] = "00000000-0000-0000-0000-000000000000",
        ["assigned_at"] = "2026-01-01 12:00:00 UTC",
        ["lead_first_name"] = "Ada",
        ["lead_last_name"] = "Lovelace",
        ["lead_email"] = "ada@example.com",
        ["lead_phone"] = "+12145550123",
        ["lead_state"] = "TX",
        ["lead_zip"] = "75201",
        ["lead_attributes"] = "move_size: 3 bedrooms",
        ["self_service_url"] = options.Value.SelfServiceUrl,
    };
}
