using LeadGrains.Abstractions;
using LeadGrains.Abstractions.Returns;
using LeadGrains.Domain.Returns;
using Microsoft.Extensions.DependencyInjection;

namespace LeadGrains.Grains.Returns;

/// <summary>A workspace's return rules: validated here, stored with their audit row.</summary>
public sealed class ReturnPolicyGrain(
    ReturnPolicyStore store,
    [FromKeyedServices(LeadGrainsClock.Key)] TimeProvider clock) : Grain, IReturnPolicyGrain
{
    public Task<ReturnPolicy> Get(CancellationToken cancellationToken) => store.Find(this.GetPrimaryKey(), cancellationToken);

    public async Task<ReturnPolicy> Set(ReturnPolicy policy, string actor)
    {
        var errors = ReturnValidation.CheckRules(policy.WindowHours, policy.Reasons, policy.AutoApprove, policy.AutoApproveMaxReturns,
            policy.AutoApproveMaxRatePercent, policy.RatePeriodHours);
        if (errors.Count > 0)
        {
            throw new ValidationFailedException(errors);
        }
        await store.Save(this.GetPrimaryKey(), policy, actor, clock.GetUtcNow());
        return policy;
    }
}
