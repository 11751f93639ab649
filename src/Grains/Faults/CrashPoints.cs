using System.Diagnostics;
using Microsoft.Extensions.Options;

namespace ECommerce.Grains.Faults;

/// <summary>Section <see cref="Section"/>: crash injection for the crash tests. Never set in production.</summary>
public sealed class FaultOptions
{
    public const string Section = "Faults";

    /// <summary>The <see cref="OrderCrashPoints"/> or <see cref="StreamCrashPoints"/> name at which the process kills itself, or null.</summary>
    public string? CrashAt { get; set; }
}

/// <summary>Named steps of the order saga where a test can make the process die at once, as <c>kill -9</c> would:
/// no shutdown, no deactivation, nothing flushed.</summary>
public sealed class CrashPoints(IOptions<FaultOptions> options)
{
    private readonly string? _crashAt = options.Value.CrashAt;

    public void Reach(string point)
    {
        if (_crashAt is not null && string.Equals(point, _crashAt, StringComparison.Ordinal))
        {
            using var self = Process.GetCurrentProcess();
            self.Kill();
        }
    }
}

/// <summary>Every crash point of the order saga, in the order the steps run.</summary>
public static class OrderCrashPoints
{
    public const string IntentStored = "order.create.intent-stored";
    public const string ProductsHeld = "order.create.products-held";
    public const string CouponHeld = "order.create.coupon-held";
    public const string Created = "order.create.created";
    public const string PayingStored = "order.pay.paying-stored";
    public const string Debited = "order.pay.debited";
    public const string CouponUsed = "order.pay.coupon-used";
    public const string StockConfirmed = "order.pay.stock-confirmed";
    public const string PaidStored = "order.pay.paid-stored";
    public const string EventPublished = "order.pay.event-published";

    public static IReadOnlyList<string> All { get; } =
    [
        IntentStored, ProductsHeld, CouponHeld, Created, PayingStored, Debited, CouponUsed, StockConfirmed, PaidStored,
        EventPublished,
    ];
}

/// <summary>Crash points of a cart's checkout: its pending checkout stored, and the order created before the cart emptied.</summary>
public static class CartCrashPoints
{
    public const string PendingStored = "cart.checkout.pending-stored";
    public const string OrderCreated = "cart.checkout.order-created";

    public static IReadOnlyList<string> All { get; } = [PendingStored, OrderCreated];
}

/// <summary>Crash points of the paid-orders stream's consumers: an event delivered, before the consumer stored it.</summary>
public static class StreamCrashPoints
{
    public const string RankingReceived = "stream.ranking.received";
    public const string DataPlatformReceived = "stream.data-platform.received";

    public static IReadOnlyList<string> All { get; } = [RankingReceived, DataPlatformReceived];
}
