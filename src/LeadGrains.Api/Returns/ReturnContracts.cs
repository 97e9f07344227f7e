using LeadGrains.Abstractions.Returns;

namespace LeadGrains.Api.Returns;

/// <summary>A provider's request to return one of its leads.</summary>
public sealed record CreateReturnRequest(Guid? AssignmentId, string? Reason, string? Note);

/// <summary>A reviewer's approval or rejection, with an optional note the provider sees.</summary>
public sealed record DecideReturnRequest(string? Note);

/// <summary>A workspace's return rules; every field is required.</summary>
public sealed record ReturnPolicyRequest(
    int? WindowHours, IReadOnlyList<string>? Reasons, bool? AutoApprove, int? AutoApproveMaxReturns, int? AutoApproveMaxRatePercent, int? RatePeriodHours);

public sealed record ReturnPolicyResponse(
    int WindowHours, IReadOnlyList<string> Reasons, bool AutoApprove, int AutoApproveMaxReturns, int AutoApproveMaxRatePercent, int RatePeriodHours)
{
    public static ReturnPolicyResponse From(ReturnPolicy policy) => new(
        policy.WindowHours, policy.Reasons, policy.AutoApprove, policy.AutoApproveMaxReturns, policy.AutoApproveMaxRatePercent, policy.RatePeriodHours);
}

/// <summary>A return as an admin sees it: who asked and who decided included.</summary>
public sealed record ReturnResponse(
    Guid ReturnId, Guid AssignmentId, Guid ProviderId, Guid LeadId, Guid NicheId, long PriceCents, string Reason, string? Note,
    string Status, string? ReviewReason, DateTimeOffset RequestedAt, string RequestedBy, DateTimeOffset? DecidedAt, string? DecidedBy,
    string? DecisionNote, Guid? RefundEntryId, long RefundedCents)
{
    public static ReturnResponse From(ReturnView view) => new(
        view.ReturnId, view.AssignmentId, view.ProviderId, view.LeadId, view.NicheId, view.PriceCents, view.Reason, view.Note, view.Status,
        view.ReviewReason, view.RequestedAt, view.RequestedBy, view.DecidedAt, view.DecidedBy, view.DecisionNote, view.RefundEntryId,
        view.RefundEntryId is null ? 0 : view.PriceCents);
}

/// <summary>A return as its provider sees it: no reviewer's identity.</summary>
public sealed record ProviderReturnResponse(
    Guid ReturnId, Guid AssignmentId, Guid LeadId, Guid NicheId, long PriceCents, string Reason, string? Note, string Status,
    string? ReviewReason, DateTimeOffset RequestedAt, DateTimeOffset? DecidedAt, string? DecisionNote, Guid? RefundEntryId, long RefundedCents)
{
    public static ProviderReturnResponse From(ReturnView view) => new(
        view.ReturnId, view.AssignmentId, view.LeadId, view.NicheId, view.PriceCents, view.Reason, view.Note, view.Status, view.ReviewReason,
        view.RequestedAt, view.DecidedAt, view.DecisionNote, view.RefundEntryId, view.RefundEntryId is null ? 0 : view.PriceCents);
}

/// <summary>The answer to a decision: the return as it is now and, once approved, the provider's balance right after the refund.</summary>
public sealed record ReturnDecisionResponse(ReturnResponse Return, long? BalanceCents);

public sealed record ReturnPage(IReadOnlyList<ReturnResponse> Items, string? NextCursor);

public sealed record ProviderReturnPage(IReadOnlyList<ProviderReturnResponse> Items, string? NextCursor);

/// <summary>What a provider may return, and until when after each assignment.</summary>
public sealed record ProviderReturnRulesResponse(int WindowHours, IReadOnlyList<string> Reasons);
