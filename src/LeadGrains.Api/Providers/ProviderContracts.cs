using System.Text.Json.Serialization;
using LeadGrains.Abstractions.Niches;
using LeadGrains.Abstractions.Providers;
using LeadGrains.Api.Errors;

namespace LeadGrains.Api.Providers;

public sealed record CreateProviderRequest(string? Name, string? Email, string? WebhookUrl, bool? EmailEnabled, string? SmsPhone)
{
    public RegisterProviderCommand ToCommand(Guid workspaceId) =>
        new(workspaceId, Name ?? "", Email ?? "", WebhookUrl, EmailEnabled ?? true, SmsPhone);
}

/// <summary>An empty <c>webhook_url</c> or <c>sms_phone</c> removes that channel.</summary>
public sealed record UpdateProviderRequest(string? Name, string? Email, string? WebhookUrl, string? Status, bool? EmailEnabled, string? SmsPhone)
{
    public ProviderUpdate ToUpdate() =>
        Name is null && Email is null && WebhookUrl is null && Status is null && EmailEnabled is null && SmsPhone is null
            ? throw ApiProblemException.Validation("body", "Give at least one of name, email, webhook_url, status, email_enabled, sms_phone.")
            : new ProviderUpdate(Name, Email, WebhookUrl, Status, EmailEnabled, SmsPhone);
}

public sealed record RotateWebhookSecretRequest(double? OverlapHours)
{
    public TimeSpan? Overlap => OverlapHours is { } hours
        ? hours is >= 0 and <= 168 ? TimeSpan.FromHours(hours) : throw ApiProblemException.Validation("overlap_hours", "must be between 0 and 168 hours.")
        : null;
}

/// <summary>The new secret, shown this once; the previous one keeps signing until <c>previous_secret_expires_at</c>.</summary>
public sealed record WebhookSecretResponse(Guid ProviderId, string WebhookSecret, DateTimeOffset PreviousSecretExpiresAt);

public sealed record DepositRequest(long? AmountCents, string? Reference)
{
    public DepositCommand ToCommand(string idempotencyKey) =>
        new(AmountCents ?? throw ApiProblemException.Validation("amount_cents", "is required."), idempotencyKey, Reference);
}

public sealed record DepositResponse(Guid EntryId, Guid ProviderId, long AmountCents, long BalanceCents);

public sealed record CreateSubscriptionRequest(Guid? LevelId, SubscriptionFilters? Filters);

public sealed record UpdateSubscriptionRequest(string? Status, SubscriptionFilters? Filters)
{
    public void Check()
    {
        if (Status is null && Filters is null)
        {
            throw ApiProblemException.Validation("body", "Give at least one of status, filters.");
        }
    }
}

public sealed record SubscriptionResponse(
    Guid SubscriptionId, Guid ProviderId, Guid LevelId, Guid NicheId, SubscriptionFilters Filters, string Status, DateTime? LastReceivedAt)
{
    public static SubscriptionResponse From(SubscriptionView view) => new(
        view.SubscriptionId, view.ProviderId, view.LevelId, view.NicheId, view.Filters, view.Status,
        view.LastReceivedAt?.UtcDateTime);
}

/// <summary>A provider; <c>webhook_secret</c> appears only in the answer that created the secret.</summary>
public sealed record ProviderResponse(
    Guid ProviderId, string Name, string Email, string? WebhookUrl, string Status, long BalanceCents, IReadOnlyList<SubscriptionResponse> Subscriptions,
    bool EmailEnabled, string? SmsPhone,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? WebhookSecret)
{
    public static ProviderResponse From(ProviderView view, IReadOnlyList<SubscriptionResponse> subscriptions) =>
        new(view.ProviderId, view.Name, view.Email, view.WebhookUrl, view.Status, view.BalanceCents, subscriptions,
            view.EmailEnabled, view.SmsPhone, view.WebhookSecret);
}

public sealed record LedgerEntryResponse(Guid EntryId, string Kind, long AmountCents, Guid? LeadId, Guid? AssignmentId, DateTime CreatedAt, long BalanceAfterCents, string? Reference);

public sealed record LedgerPage(IReadOnlyList<LedgerEntryResponse> Items, int Page, int Limit, long Total);
