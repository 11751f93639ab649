
namespace ECommerce.Grains.Abstractions.Commerce;

public enum OrderStatus
{
    PendingPayment,
    /// <summary>Payment saga in flight; resumed on reactivation. Never the answer of a finished call.</summary>
    Paying,
    Paid,
    Cancelled,
    Expired,
    /// <summary>The order's intent is stored and its holds are being taken; never shown: such an order answers as
    /// not found until it is created, and an interrupted creation is finished by a retry or released by the reminder.</summary>
    Creating,
}

/// <summary>One line: <paramref name="OptionId"/> names the product's option (0: its only option).</summary>
[GenerateSerializer, Immutable]
public sealed record OrderItemRequest(long ProductId, int Quantity, long OptionId = 0);

/// <summary><paramref name="OptionId"/> and <paramref name="OptionName"/> are 0 and null in lines stored before
/// products had options: that line was the product's one option, whose id is the product id.</summary>
[GenerateSerializer, Immutable]
public sealed record OrderLine(long ProductId, string Name, int Quantity, long UnitPrice, long LineTotal,
    long OptionId = 0, string? OptionName = null);

[GenerateSerializer, Immutable]
public sealed record OrderSnapshot(long OrderId, long UserId, OrderStatus Status, IReadOnlyList<OrderLine> Items,
    long TotalPrice, long DiscountAmount, long PayAmount, long? CouponId, DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt, DateTimeOffset? PaidAt, DateTimeOffset? ClosedAt);

[GenerateSerializer, Immutable]
public sealed record PaymentResult(long OrderId, OrderStatus Status, long PaidAmount, long Balance, DateTimeOffset PaidAt);

public enum PaymentAttemptStatus
{
    Success,
    Failed,
}

/// <param name="FailureReason">The refusal's error code (e.g. BALANCE_INSUFFICIENT) of a failed attempt, else null.</param>
[GenerateSerializer, Immutable]
public sealed record PaymentAttempt(long Amount, PaymentAttemptStatus Status, string? FailureReason, DateTimeOffset CreatedAt);

/// <summary>An order's payment attempts, oldest first, with the order's user for the caller's ownership check.</summary>
[GenerateSerializer, Immutable]
public sealed record OrderPayments(long OrderId, long UserId, IReadOnlyList<PaymentAttempt> Payments);

/// <summary>An order and its payment saga, keyed by order id. Calls user, product and coupon grains, and its user's
/// <see cref="IUserOrdersGrain"/>; none of them calls an order.</summary>
public interface IOrderGrain : IGrainWithIntegerKey
{
    public const int MaxLines = 50;
    public const int MaxQuantity = 1_000;

    /// <summary>Reserves every line's stock or none, reserves the coupon, prices from the products and starts the
    /// payment timeout. A repeat with the same data returns the order.</summary>
    /// <exception cref="DomainException">VALIDATION_FAILED, USER_NOT_FOUND, PRODUCT_NOT_FOUND, STOCK_INSUFFICIENT,
    /// COUPON_NOT_FOUND, COUPON_NOT_USABLE, ORDER_ALREADY_EXISTS (other data).</exception>
    Task<OrderSnapshot> CreateAsync(long userId, IReadOnlyList<OrderItemRequest> items, long? couponId);

    /// <exception cref="DomainException">ORDER_NOT_FOUND.</exception>
    Task<OrderSnapshot> GetAsync();

    /// <summary>Debits the wallet, confirms stock and coupon, and marks the order PAID. A failed debit is recorded
    /// and leaves the order payable.</summary>
    /// <param name="paymentKey">The request's Idempotency-Key, if any: the order keeps it with the payment, and the same
    /// key again on the paid order is answered with that payment instead of ORDER_NOT_PAYABLE.</param>
    /// <exception cref="DomainException">ORDER_NOT_FOUND (also another user's order), ORDER_NOT_PAYABLE,
    /// BALANCE_INSUFFICIENT.</exception>
    Task<PaymentResult> PayAsync(long userId, string? paymentKey = null);

    /// <summary>Releases stock and coupon; cancelling a cancelled order returns it again.</summary>
    /// <exception cref="DomainException">ORDER_NOT_FOUND (also another user's order), ORDER_NOT_CANCELLABLE.</exception>
    Task<OrderSnapshot> CancelAsync(long userId);

    /// <exception cref="DomainException">ORDER_NOT_FOUND.</exception>
    Task<OrderPayments> GetPaymentsAsync();
}

/// <summary>A paid order as the stream carries it, and as the data platform receives it (JSON, camelCase).</summary>
[GenerateSerializer, Immutable]
public sealed record OrderPaid(long OrderId, long UserId, IReadOnlyList<OrderLine> Items, long TotalPrice,
    long DiscountAmount, long PaidAmount, long? CouponId, DateTimeOffset PaidAt)
{
    public const string EventType = "OrderPaid";
}
