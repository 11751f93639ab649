using System.Collections.Immutable;
using ECommerce.Grains.Abstractions.Events;
using ECommerce.Grains.Abstractions.Commerce;

namespace ECommerce.Grains;

public enum PaymentStatus
{
    Success,
    Failed,
}

/// <summary>One payment attempt, kept in the order's state and written with the status change it belongs to.</summary>
[GenerateSerializer, Immutable]
public sealed record PaymentRecord(long OrderId, long Amount, PaymentStatus Status, string? FailureReason,
    DateTimeOffset CreatedAt);

/// <summary>An order. Every status change goes through a guarded transition below.</summary>
[GenerateSerializer, Immutable]
public sealed record OrderState
{
    [Id(0)]
    public long UserId { get; init; }

    [Id(1)]
    public OrderStatus Status { get; init; }

    [Id(2)]
    public ImmutableList<OrderLine> Lines { get; init; } = [];

    [Id(3)]
    public long TotalPrice { get; init; }

    [Id(4)]
    public long DiscountAmount { get; init; }

    [Id(5)]
    public long? CouponId { get; init; }

    [Id(6)]
    public DateTimeOffset CreatedAt { get; init; }

    [Id(7)]
    public DateTimeOffset ExpiresAt { get; init; }

    [Id(8)]
    public DateTimeOffset? PaidAt { get; init; }

    /// <summary>When the order was cancelled or expired.</summary>
    [Id(9)]
    public DateTimeOffset? ClosedAt { get; init; }

    [Id(10)]
    public long? BalanceAfterPayment { get; init; }

    /// <summary>Every payment attempt, oldest first.</summary>
    [Id(11)]
    public ImmutableList<PaymentRecord> Payments { get; init; } = [];

    /// <summary>What was asked for, stored before anything is held, so an interrupted creation can be finished or
    /// undone: the products to hold (and the coupon in <see cref="CouponId"/>).</summary>
    [Id(13)]
    public ImmutableList<OrderItemRequest> Requested { get; init; } = [];

    // Id 12 was the outbox's event, before paid orders went on an Orleans stream.

    /// <summary>The paid-orders stream's event, written with the PAID status; published after that write, and again
    /// from the order's reminder until the stream provider has taken it.</summary>
    [Id(14)]
    public OrderPaidEvent? PaidEvent { get; init; }

    /// <summary>The Idempotency-Key of the payment request that started the last payment (null without one): a retry
    /// under that key of a payment that went through is answered with it, even when the key's stored answer was lost.</summary>
    [Id(15)]
    public string? PaymentKey { get; init; }

    /// <summary>Created: holds taken and priced. A <see cref="OrderStatus.Creating"/> order does not exist yet.</summary>
    public bool Exists => UserId > 0 && Status != OrderStatus.Creating;

    public bool IsCreating => UserId > 0 && Status == OrderStatus.Creating;

    public long PayAmount => TotalPrice - DiscountAmount;

    public bool IsFinal => Status is OrderStatus.Paid or OrderStatus.Cancelled or OrderStatus.Expired;

    /// <summary>The intent, stored before any hold is taken; its payment timeout starts now.</summary>
    public static OrderState Intend(long userId, IReadOnlyList<OrderItemRequest> items, long? couponId,
        DateTimeOffset now, TimeSpan paymentTimeout) =>
        new()
        {
            UserId = userId, Status = OrderStatus.Creating, Requested = [.. items], CouponId = couponId,
            CreatedAt = now, ExpiresAt = now + paymentTimeout,
        };

    /// <summary>Every hold is taken: the order is priced and waits for payment.</summary>
    public OrderState Created(OrderPrice price) =>
        Move(OrderStatus.Creating, OrderStatus.PendingPayment, DomainErrors.OrderAlreadyExists) with
        {
            Lines = [.. price.Lines], TotalPrice = price.TotalPrice, DiscountAmount = price.DiscountAmount,
        };

    public bool IsSameRequest(long userId, IReadOnlyList<OrderItemRequest> items, long? couponId) =>
        UserId == userId && CouponId == couponId
        && Requested.Select(i => (i.ProductId, i.Quantity, i.OptionId))
            .SequenceEqual(items.Select(i => (i.ProductId, i.Quantity, i.OptionId)));


    /// <summary>A created order still waiting for payment past its timeout. Never an order that does not exist: an empty
    /// state's status reads as the first one, PENDING_PAYMENT.</summary>
    public bool IsOverdueAt(DateTimeOffset now) => Exists && Status == OrderStatus.PendingPayment && now >= ExpiresAt;

    public OrderState StartPayment(DateTimeOffset now, string? paymentKey = null) =>
        IsOverdueAt(now)
            ? throw DomainErrors.Conflict(DomainErrors.OrderNotPayable, $"The order's payment time ended at {ExpiresAt:O}.")
            : Move(OrderStatus.PendingPayment, OrderStatus.Paying, DomainErrors.OrderNotPayable) with { PaymentKey = paymentKey };

    /// <summary>True when this paid order was paid by the request of <paramref name="paymentKey"/>.</summary>
    public bool WasPaidUnder(string? paymentKey) => Status == OrderStatus.Paid && paymentKey is not null && PaymentKey == paymentKey;

    public OrderState WithPayment(PaymentRecord payment) => this with { Payments = Payments.Add(payment) };

    public OrderState FailPayment() => Move(OrderStatus.Paying, OrderStatus.PendingPayment, DomainErrors.OrderNotPayable);

    public OrderState CompletePayment(DateTimeOffset now, long balanceAfter) =>
        Move(OrderStatus.Paying, OrderStatus.Paid, DomainErrors.OrderNotPayable) with
        {
            PaidAt = now, BalanceAfterPayment = balanceAfter,
        };

    /// <summary>Compensation: a payment whose later steps were refused is undone and the order closed.</summary>
    public OrderState AbortPayment(DateTimeOffset now) =>
        Move(OrderStatus.Paying, OrderStatus.Cancelled, DomainErrors.OrderNotPayable) with { ClosedAt = now };

    public OrderState Cancel(DateTimeOffset now) =>
        Move(OrderStatus.PendingPayment, OrderStatus.Cancelled, DomainErrors.OrderNotCancellable) with { ClosedAt = now };

    public OrderState Expire(DateTimeOffset now) =>
        Move(OrderStatus.PendingPayment, OrderStatus.Expired, DomainErrors.OrderNotCancellable) with { ClosedAt = now };

    private OrderState Move(OrderStatus from, OrderStatus to, string code) =>
        Status == from
            ? this with { Status = to }
            : throw DomainErrors.Conflict(code,
                $"The order is {Status.ToWire()}; only a {from.ToWire()} order can become {to.ToWire()}.");
}
