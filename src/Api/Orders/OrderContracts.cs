using ECommerce.Grains.Abstractions.Commerce;

namespace ECommerce.Api.Orders;

/// <summary>productId, optionId or both (which must match); productId alone means the product's only option.</summary>
public sealed record OrderItemInput(long? ProductId, long? Quantity, long? OptionId = null);

public sealed record CreateOrderRequest(long? UserId, IReadOnlyList<OrderItemInput?>? Items, long? CouponId);

public sealed record OrderUserRequest(long? UserId);

public sealed record OrderLineResponse(long ProductId, string Name, int Quantity, long UnitPrice, long LineTotal,
    long OptionId, string OptionName);

/// <param name="Status">PENDING_PAYMENT, PAYING, PAID, CANCELLED or EXPIRED.</param>
public sealed record OrderResponse(long OrderId, long UserId, string Status, IReadOnlyList<OrderLineResponse> Items,
    long TotalPrice, long DiscountAmount, long PayAmount, long? CouponId, DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt, DateTimeOffset? PaidAt)
{
    public static OrderResponse From(OrderSnapshot order) =>
        new(order.OrderId, order.UserId, order.Status.ToWire(),
            order.Items.Select(l => new OrderLineResponse(l.ProductId, l.Name, l.Quantity, l.UnitPrice, l.LineTotal,
                l.OptionId == 0 ? l.ProductId : l.OptionId, l.OptionName ?? IProductGrain.DefaultOptionName)).ToList(),
            order.TotalPrice, order.DiscountAmount, order.PayAmount, order.CouponId, order.CreatedAt, order.ExpiresAt,
            order.PaidAt);
}

public sealed record PaymentResponse(long OrderId, string Status, long PaidAmount, long Balance, DateTimeOffset PaidAt)
{
    public static PaymentResponse From(PaymentResult payment) =>
        new(payment.OrderId, payment.Status.ToWire(), payment.PaidAmount, payment.Balance, payment.PaidAt);
}

/// <summary>A page of a user's orders, newest first; <paramref name="Total"/> counts every order of the user.</summary>
public sealed record OrderPageResponse(IReadOnlyList<OrderResponse> Items, int Page, int Size, int Total);

/// <param name="Status">SUCCESS or FAILED.</param>
/// <param name="FailureReason">The refusal's error code of a failed attempt (e.g. BALANCE_INSUFFICIENT), else null.</param>
public sealed record PaymentAttemptResponse(long OrderId, long Amount, string Status, string? FailureReason,
    DateTimeOffset CreatedAt)
{
    public static PaymentAttemptResponse From(long orderId, PaymentAttempt attempt) =>
        new(orderId, attempt.Amount, attempt.Status.ToWire(), attempt.FailureReason, attempt.CreatedAt);
}
