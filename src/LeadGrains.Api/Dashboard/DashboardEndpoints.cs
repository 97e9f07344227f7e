using Orleans.Dashboard;

namespace LeadGrains.Api.Dashboard;

/// <summary>The Orleans dashboard, served by the API (the silos only collect its data).</summary>
public static class DashboardEndpoints
{
    public const string RoutePrefix = "/dashboard";

    /// <summary>
    /// Maps the dashboard UI and its data endpoints as one route group, so the caller can put the
    /// whole group behind the platform roles (outside local mode).
    /// </summary>
    public static RouteGroupBuilder MapDashboard(this IEndpointRouteBuilder app) =>
        app.MapOrleansDashboard(RoutePrefix);
}
