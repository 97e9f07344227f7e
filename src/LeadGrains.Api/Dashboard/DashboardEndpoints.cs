using Orleans.Dashboard;

namespace LeadGrains.Api.Dashboard;

/// <summary>The Orleans dashboard, served by the API (the silos only collect its data).</summary>
public static class DashboardEndpoints
{
    public const string RoutePrefix = "/dashboard";

    /// <summary>
    /// Maps the dashboard UI and its data endpoints as one route group. It is unauthenticated for
    /// now; outside local mode it belongs behind the ops/admin roles, which the returned group
    /// takes as a whole (<c>.RequireAuthorization(...)</c>) once the API has authentication.
    /// </summary>
    public static RouteGroupBuilder MapDashboard(this IEndpointRouteBuilder app) =>
        app.MapOrleansDashboard(RoutePrefix);
}
