using ECommerce.Api.Identity;
using Orleans.Dashboard;

namespace ECommerce.Api.Hosting;

public static class RuntimeDashboardExtensions
{
    /// <summary>Orleans's own dashboard (grains, calls, silos) at <c>/dashboard</c>, left out of the OpenAPI document.
    /// The product's business figures are on <c>/admin</c>. Admins only, like <c>/admin</c>.</summary>
    public static IEndpointRouteBuilder MapRuntimeDashboard(this IEndpointRouteBuilder app)
    {
        app.MapOrleansDashboard(routePrefix: "/dashboard").ExcludeFromDescription().RequireAuthorization(AuthPolicies.AdminPage);
        return app;
    }
}
