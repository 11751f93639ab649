using System.Security.Claims;
using ECommerce.Api.Errors;
using ECommerce.Api.Identity;
using ECommerce.Grains.Abstractions.Commerce;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ECommerce.Api.Orders;

/// <summary>A user's orders, under the user's path; its own class so the user routes of other features stay apart.</summary>
public static class UserOrdersApi
{
    public const int DefaultPageSize = 20;

    public static IEndpointRouteBuilder MapUserOrdersApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGroup("/api/v1/users").WithTags("Users")
            .RequireAuthorization(AuthPolicies.User)
            .MapGet("/{userId}/orders", ListUserOrdersAsync)
            .WithName("ListUserOrders")
            .WithSummary("The user's orders, newest first, each with its current status; paged (page >= 1, size 1..100).")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);
        return routes;
    }

    /// <summary>The ids come from the user's order index, each order's status and amounts from the order itself, so a
    /// status is never stale. An id whose creation is still running or was released answers ORDER_NOT_FOUND and is left
    /// out; such an id is in <c>total</c> only while its creation runs.</summary>
    public static async Task<Results<Ok<OrderPageResponse>, ValidationProblem, ProblemHttpResult>> ListUserOrdersAsync(
        long userId, int? page, int? size, IGrainFactory grains, ClaimsPrincipal caller)
    {
        var validation = new RequestValidation()
            .Id(userId, "userId")
            .InRange(page ?? 1, 1, int.MaxValue, "page")
            .InRange(size ?? DefaultPageSize, 1, IUserOrdersGrain.MaxPageSize, "size");
        if (!validation.IsValid)
        {
            return validation.ToProblem();
        }

        if (!caller.CanRead(userId))
        {
            return Caller.Forbidden(userId);
        }

        var user = grains.GetGrain<IUserGrain>(userId).GetAsync();
        var ids = grains.GetGrain<IUserOrdersGrain>(userId).GetPageAsync(page ?? 1, size ?? DefaultPageSize);
        await Task.WhenAll(user, ids);
        var orders = await Task.WhenAll(ids.Result.OrderIds.Select(id => FindAsync(grains.GetGrain<IOrderGrain>(id))));
        return TypedResults.Ok(new OrderPageResponse(
            orders.OfType<OrderSnapshot>().Where(o => o.UserId == userId).Select(OrderResponse.From).ToList(),
            ids.Result.Page, ids.Result.Size, ids.Result.Total));
    }

    private static async Task<OrderSnapshot?> FindAsync(IOrderGrain order)
    {
        try
        {
            return await order.GetAsync();
        }
        catch (DomainException missing) when (missing.Code == DomainErrors.OrderNotFound)
        {
            return null;
        }
    }
}
