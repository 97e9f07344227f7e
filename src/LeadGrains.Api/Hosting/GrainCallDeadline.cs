namespace LeadGrains.Api.Hosting;

/// <summary>
/// Bounds every grain call the API makes while serving a request: after
/// <see cref="RequestBoundsOptions.GrainCallTimeout"/> the caller stops waiting with a
/// <see cref="TimeoutException"/> (answered 503), and it stops at once if the request is cancelled
/// (the request timeout or a client that went away). Orleans' own response timeout does not cover
/// a call that is still waiting for a gateway, which is how a request could hang past 30 s. Calls
/// made by grains and background services keep Orleans' timeouts.
/// </summary>
public sealed class GrainCallDeadline(IHttpContextAccessor requests, RequestBoundsOptions bounds) : IOutgoingGrainCallFilter
{
    public Task Invoke(IOutgoingGrainCallContext context)
    {
        if (requests.HttpContext is not { } request || context.SourceContext is not null)
        {
            return context.Invoke();
        }
        return context.Invoke().WaitAsync(bounds.GrainCallTimeout, request.RequestAborted);
    }
}
