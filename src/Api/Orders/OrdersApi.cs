using System.Security.Claims;
using ECommerce.Api.Errors;
using ECommerce.Api.Identity;
using ECommerce.Api.Idempotency;
using ECommerce.Api.Queues;
using ECommerce.Api.Products;
using ECommerce.Grains.Abstractions.Commerce;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace ECommerce.Api.Orders;

public static class OrdersApi
{
    public static IEndpointRouteBuilder MapOrdersApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/orders").WithTags("Orders")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .RequireAuthorization(AuthPolicies.User)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        group.MapPost("", CreateOrderAsync).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        group.MapGet("/{orderId}", GetOrderAsync);
        group.MapPost("/{orderId}/payment", PayOrderAsync).ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        group.MapPost("/{orderId}/cancel", CancelOrderAsync);
        group.MapGet("/{orderId}/payments", ListPaymentsAsync).WithName("ListOrderPayments")
            .WithSummary("The order's payment attempts, oldest first: amount, SUCCESS or FAILED with the reason, time.");
        return routes;
    }

    /// <summary>With an Idempotency-Key the order id is reserved on the key's first sight, so a retry after a crash
    /// re-runs creation on the same order, which the order grain answers with the order it already holds. Only for
    /// the caller's own <c>userId</c>; the coupon is then the caller's own copy.</summary>
    public static async Task<Results<Created<OrderResponse>, ValidationProblem, ProblemHttpResult>> CreateOrderAsync(
        CreateOrderRequest request, [FromHeader(Name = IdempotentRequest.Header)] string? idempotencyKey,
        IGrainFactory grains, HttpContext http)
    {
        var validation = Validate(request).Key(idempotencyKey);
        if (!validation.IsValid)
        {
            return validation.ToProblem();
        }

        if (!http.User.Is(request.UserId!.Value))
        {
            return Caller.Forbidden(request.UserId.Value);
        }

        // Behind a waiting room a product's stock grain asks for the Queue-Token header (QUEUE_TOKEN_REQUIRED, 403).
        http.AttachQueueToken(request.UserId.Value);
        // A line with only an option gets its product here (its index grain); the order grain checks the rest.
        var items = await ProductOptionLookup.ResolveAsync(grains,
            request.Items!.Select(i => (i!.ProductId, i.OptionId, (int)i.Quantity!.Value)));
        // Without a key, a sold-out line is refused here, from the products' memory, before an order id or an order
        // activation (and its storage read) exist: a flash sale's flood of late buyers costs one in-memory read each.
        // The order grain applies the same rule again before it writes its intent. With a key the order decides, so a
        // retry of the order that took the last unit still answers that order.
        if (idempotencyKey is null && await ProductOptionLookup.ShortageAsync(grains, items) is { } shortage)
        {
            // Answered, not thrown: the same 409 the exception handler gives.
            return ApiExceptionHandler.ProblemFor(shortage);
        }

        var result = await IdempotentRequest.RunAsync(http, grains, "order", idempotencyKey,
            new { request.UserId, items, request.CouponId }, IdSequences.Order, StatusCodes.Status201Created,
            async orderId => OrderResponse.From(
                await grains.GetGrain<IOrderGrain>(orderId).CreateAsync(request.UserId!.Value, items, request.CouponId)));
        return result.Problem is { } problem
            ? problem
            : TypedResults.Created($"/api/v1/orders/{result.Value!.OrderId}", result.Value);
    }

    /// <summary>The order's own user, or an admin; to anyone else another user's order does not exist.</summary>
    public static async Task<Results<Ok<OrderResponse>, ValidationProblem>> GetOrderAsync(long orderId,
        IGrainFactory grains, ClaimsPrincipal caller)
    {
        var validation = new RequestValidation().Id(orderId, "orderId");
        if (!validation.IsValid)
        {
            return validation.ToProblem();
        }

        var order = await grains.GetGrain<IOrderGrain>(orderId).GetAsync();
        return caller.CanRead(order.UserId)
            ? TypedResults.Ok(OrderResponse.From(order))
            : throw DomainErrors.NotFound(DomainErrors.OrderNotFound, "Order", orderId);
    }

    public static async Task<Results<Ok<PaymentResponse>, ValidationProblem, ProblemHttpResult>> PayOrderAsync(
        long orderId, OrderUserRequest request, [FromHeader(Name = IdempotentRequest.Header)] string? idempotencyKey,
        IGrainFactory grains, HttpContext http)
    {
        var validation = new RequestValidation().Id(orderId, "orderId").Id(request.UserId, "userId").Key(idempotencyKey);
        if (!validation.IsValid)
        {
            return validation.ToProblem();
        }

        if (!http.User.Is(request.UserId!.Value))
        {
            return Caller.Forbidden(request.UserId.Value);
        }

        var result = await IdempotentRequest.RunAsync(http, grains, "payment", idempotencyKey,
            new { orderId, request.UserId }, idSequence: null, StatusCodes.Status200OK,
            async _ => PaymentResponse.From(await grains.GetGrain<IOrderGrain>(orderId).PayAsync(request.UserId!.Value, idempotencyKey)));
        return result.Problem is { } problem ? problem : TypedResults.Ok(result.Value!);
    }

    public static async Task<Results<Ok<OrderResponse>, ValidationProblem, ProblemHttpResult>> CancelOrderAsync(long orderId,
        OrderUserRequest request, IGrainFactory grains, ClaimsPrincipal caller)
    {
        var validation = new RequestValidation().Id(orderId, "orderId").Id(request.UserId, "userId");
        if (!validation.IsValid)
        {
            return validation.ToProblem();
        }

        if (!caller.Is(request.UserId!.Value))
        {
            return Caller.Forbidden(request.UserId.Value);
        }

        var order = await grains.GetGrain<IOrderGrain>(orderId).CancelAsync(request.UserId!.Value);
        return TypedResults.Ok(OrderResponse.From(order));
    }

    /// <summary>As <see cref="GetOrderAsync"/>: the order's own user or an admin; to anyone else the order does not exist.</summary>
    public static async Task<Results<Ok<IReadOnlyList<PaymentAttemptResponse>>, ValidationProblem>> ListPaymentsAsync(
        long orderId, IGrainFactory grains, ClaimsPrincipal caller)
    {
        var validation = new RequestValidation().Id(orderId, "orderId");
        if (!validation.IsValid)
        {
            return validation.ToProblem();
        }

        var payments = await grains.GetGrain<IOrderGrain>(orderId).GetPaymentsAsync();
        return caller.CanRead(payments.UserId)
            ? TypedResults.Ok<IReadOnlyList<PaymentAttemptResponse>>(
                payments.Payments.Select(p => PaymentAttemptResponse.From(orderId, p)).ToList())
            : throw DomainErrors.NotFound(DomainErrors.OrderNotFound, "Order", orderId);
    }

        private static RequestValidation Validate(CreateOrderRequest request)
    {
        var validation = new RequestValidation()
            .Id(request.UserId, "userId")
            .OptionalId(request.CouponId, "couponId")
            .Check(request.Items is { Count: > 0 and <= IOrderGrain.MaxLines }, "items",
                $"items must hold 1..{IOrderGrain.MaxLines} lines.");
        if (request.Items is null)
        {
            return validation;
        }

        for (var i = 0; i < request.Items.Count; i++)
        {
            var item = request.Items[i];
            validation
                .OptionalId(item?.ProductId, $"items[{i}].productId")
                .OptionalId(item?.OptionId, $"items[{i}].optionId")
                .Check(item is not null && (item.ProductId is not null || item.OptionId is not null), $"items[{i}]",
                    $"items[{i}] needs a productId or an optionId.")
                .InRange(item?.Quantity, 1, IOrderGrain.MaxQuantity, $"items[{i}].quantity");
        }

        // An option appears in one line only (repeats through different spellings are refused by the order grain).
        var repeated = request.Items.Where(i => i is not null && (i.ProductId ?? i.OptionId) is not null)
            .GroupBy(i => i!.OptionId is { } optionId ? $"option {optionId}" : $"product {i.ProductId}")
            .Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        return validation.Check(repeated.Count == 0, "items",
            $"Each product option may appear in one line only (repeated: {string.Join(", ", repeated)}).");
    }
}
