using System.Security.Claims;
using ECommerce.Api.Errors;
using ECommerce.Api.Identity;
using ECommerce.Api.Idempotency;
using ECommerce.Api.Orders;
using ECommerce.Api.Products;
using ECommerce.Api.Queues;
using ECommerce.Grains.Abstractions.Commerce;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace ECommerce.Api.Cart;

public static class CartApi
{
    public static IEndpointRouteBuilder MapCartApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/users/{userId}/cart").WithTags("Cart")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .RequireAuthorization(AuthPolicies.User)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        group.MapGet("", GetCartAsync).WithName("GetCart").WithSummary("The cart, with each option's current price and stock");
        group.MapPut("/items/{optionId}", SetItemAsync).WithName("SetCartItem")
            .WithSummary("Adds an option to the cart or sets its quantity")
            .ProducesProblem(StatusCodes.Status409Conflict);
        group.MapDelete("/items/{optionId}", RemoveItemAsync).WithName("RemoveCartItem")
            .WithSummary("Removes an option from the cart");
        group.MapPost("/checkout", CheckoutAsync).WithName("CheckoutCart")
            .WithSummary("Creates an order from the cart, which empties once the order exists")
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        return routes;
    }

    /// <summary>The user, or an admin.</summary>
    public static async Task<Results<Ok<CartResponse>, ValidationProblem, ProblemHttpResult>> GetCartAsync(long userId,
        IGrainFactory grains, ClaimsPrincipal caller)
    {
        var validation = new RequestValidation().Id(userId, "userId");
        if (!validation.IsValid)
        {
            return validation.ToProblem();
        }

        if (!caller.CanRead(userId))
        {
            return Caller.Forbidden(userId);
        }

        return TypedResults.Ok(await ViewAsync(grains, userId, await grains.GetGrain<ICartGrain>(userId).GetAsync()));
    }

    public static async Task<Results<Ok<CartResponse>, ValidationProblem, ProblemHttpResult>> SetItemAsync(long userId,
        long optionId, SetCartItemRequest request, IGrainFactory grains, ClaimsPrincipal caller)
    {
        var validation = new RequestValidation()
            .Id(userId, "userId")
            .Id(optionId, "optionId")
            .InRange(request.Quantity, 1, ICartGrain.MaxQuantity, "quantity");
        if (!validation.IsValid)
        {
            return validation.ToProblem();
        }

        if (!caller.Is(userId))
        {
            return Caller.Forbidden(userId);
        }

        var (product, _) = await ProductOptionLookup.FindAsync(grains, optionId);
        var cart = await grains.GetGrain<ICartGrain>(userId).SetItemAsync(optionId, product.ProductId, (int)request.Quantity!.Value);
        return TypedResults.Ok(await ViewAsync(grains, userId, cart));
    }

    public static async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> RemoveItemAsync(long userId,
        long optionId, IGrainFactory grains, ClaimsPrincipal caller)
    {
        var validation = new RequestValidation().Id(userId, "userId").Id(optionId, "optionId");
        if (!validation.IsValid)
        {
            return validation.ToProblem();
        }

        if (!caller.Is(userId))
        {
            return Caller.Forbidden(userId);
        }

        await grains.GetGrain<ICartGrain>(userId).RemoveItemAsync(optionId);
        return TypedResults.NoContent();
    }

    /// <summary>Answers exactly as <c>POST /api/v1/orders</c> does; with an Idempotency-Key the order id is reserved on
    /// the key's first sight, so a retry finishes the same checkout.</summary>
    public static async Task<Results<Created<OrderResponse>, ValidationProblem, ProblemHttpResult>> CheckoutAsync(long userId,
        [FromBody] CheckoutRequest? request, [FromHeader(Name = IdempotentRequest.Header)] string? idempotencyKey,
        IGrainFactory grains, HttpContext http)
    {
        var couponId = request?.CouponId;
        var validation = new RequestValidation().Id(userId, "userId").OptionalId(couponId, "couponId").Key(idempotencyKey);
        if (!validation.IsValid)
        {
            return validation.ToProblem();
        }

        if (!http.User.Is(userId))
        {
            return Caller.Forbidden(userId);
        }

        // As for POST /orders: a product behind a waiting room asks for the user's Queue-Token (through the cart grain).
        http.AttachQueueToken(userId);
        var result = await IdempotentRequest.RunAsync(http, grains, "cart-checkout", idempotencyKey,
            new { userId, couponId }, IdSequences.Order, StatusCodes.Status201Created,
            async orderId => OrderResponse.From(await grains.GetGrain<ICartGrain>(userId).CheckoutAsync(orderId, couponId)));
        return result.Problem is { } problem
            ? problem
            : TypedResults.Created($"/api/v1/orders/{result.Value!.OrderId}", result.Value);
    }

    private static async Task<CartResponse> ViewAsync(IGrainFactory grains, long userId, CartContents cart)
    {
        var products = await Task.WhenAll(cart.Lines.Select(l => l.ProductId).Distinct().Select(async productId =>
        {
            try
            {
                return await grains.GetGrain<IProductGrain>(productId).GetAsync();
            }
            catch (DomainException missing) when (missing.Code == DomainErrors.ProductNotFound)
            {
                return null;
            }
        }));
        var byId = products.OfType<ProductSnapshot>().ToDictionary(p => p.ProductId);
        var items = cart.Lines.Select(line =>
        {
            var product = byId.GetValueOrDefault(line.ProductId);
            var option = product?.Options.FirstOrDefault(o => o.OptionId == line.OptionId);
            return option is null
                ? new CartItemResponse(line.OptionId, line.ProductId, product?.Name, null, line.Quantity, 0, 0, 0, false)
                : new CartItemResponse(line.OptionId, line.ProductId, product!.Name, option.Name, line.Quantity, option.Price,
                    option.Stock, option.Price * line.Quantity, true);
        }).ToList();
        return new CartResponse(userId, items, items.Sum(i => i.LineTotal));
    }
}
