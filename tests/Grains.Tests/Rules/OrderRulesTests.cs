using ECommerce.Grains;
using ECommerce.Grains.Abstractions.Commerce;

namespace ECommerce.Grains.Tests.Rules;

public sealed class OrderRulesTests
{
    private static readonly DateTimeOffset Now = new(2025, 1, 1, 9, 0, 0, TimeSpan.Zero);

    private static readonly ReservedLine[] TwoLines =
    [
        new(ProductId: 1, Name: "mouse", UnitPrice: 25_000, Quantity: 2),
        new(ProductId: 2, Name: "pad", UnitPrice: 5_000, Quantity: 1),
    ];

    private static OrderState Pending() =>
        OrderState.Intend(9, [new OrderItemRequest(1, 2), new OrderItemRequest(2, 1)], 3, Now, TimeSpan.FromMinutes(5))
            .Created(OrderPricing.Price(TwoLines, 10_000));

    [Fact]
    public void AnIntentIsNotAnOrderUntilItsHoldsArePricedAndCreatingTwiceIsRefused()
    {
        var intent = OrderState.Intend(9, [new OrderItemRequest(1, 2)], null, Now, TimeSpan.FromMinutes(5));

        Assert.True(intent.IsCreating);
        Assert.False(intent.Exists);
        Assert.True(intent.IsSameRequest(9, [new OrderItemRequest(1, 2)], null));
        Assert.False(intent.IsSameRequest(9, [new OrderItemRequest(1, 3)], null));
        var created = intent.Created(OrderPricing.Price([new(ProductId: 1, Name: "mouse", UnitPrice: 25_000, Quantity: 2)], 0));
        Assert.True(created.Exists);
        Assert.Equal(OrderStatus.PendingPayment, created.Status);
        Assert.Equal(50_000, created.PayAmount);
        Assert.Equal(DomainErrors.OrderAlreadyExists, Assert.Throws<DomainException>(() => created.Created(
            OrderPricing.Price([new(ProductId: 1, Name: "mouse", UnitPrice: 25_000, Quantity: 2)], 0))).Code);
    }

    [Fact]
    public void AnOrderCostingMoreThanTheLargestWalletBalanceIsRefusedAndOneCostingExactlyThatIsPriced()
    {
        ReservedLine[] tooDear = [new(ProductId: 1, Name: "yacht", UnitPrice: 1_000_000_000, Quantity: 2)];
        ReservedLine[] atTheLimit = [new(ProductId: 1, Name: "yacht", UnitPrice: 1_000_000_000, Quantity: 1)];

        var refused = Assert.Throws<DomainException>(() => OrderPricing.Price(tooDear, couponDiscount: 0));

        Assert.Equal(DomainErrors.ValidationFailed, refused.Code);
        Assert.Equal(999_999_999, OrderPricing.Price(tooDear, couponDiscount: 1_000_000_001).PayAmount);
        Assert.Equal(1_000_000_000, OrderPricing.Price(atTheLimit, couponDiscount: 0).PayAmount);
    }

    [Fact]
    public void PricesLinesFromReservedUnitPricesAndSubtractsTheDiscount()
    {
        var price = OrderPricing.Price(TwoLines, couponDiscount: 10_000);

        Assert.Equal([50_000, 5_000], price.Lines.Select(l => l.LineTotal));
        Assert.Equal(55_000, price.TotalPrice);
        Assert.Equal(10_000, price.DiscountAmount);
        Assert.Equal(45_000, price.PayAmount);
    }

    [Fact]
    public void CapsTheDiscountAtTheTotal()
    {
        var price = OrderPricing.Price(TwoLines, couponDiscount: 100_000);

        Assert.Equal(55_000, price.DiscountAmount);
        Assert.Equal(0, price.PayAmount);
    }

    [Fact]
    public void RejectsEmptyOversizedRepeatedAndOutOfRangeLines()
    {
        string CodeOf(IReadOnlyList<OrderItemRequest> items) =>
            Assert.Throws<DomainException>(() => OrderPricing.ValidateItems(items)).Code;

        Assert.Equal(DomainErrors.ValidationFailed, CodeOf([]));
        Assert.Equal(DomainErrors.ValidationFailed,
            CodeOf(Enumerable.Range(1, IOrderGrain.MaxLines + 1).Select(i => new OrderItemRequest(i, 1)).ToList()));
        Assert.Equal(DomainErrors.ValidationFailed, CodeOf([new(1, 1), new(1, 2)]));
        Assert.Equal(DomainErrors.ValidationFailed, CodeOf([new(1, 0)]));
        Assert.Equal(DomainErrors.ValidationFailed, CodeOf([new(1, IOrderGrain.MaxQuantity + 1)]));
        Assert.Equal(DomainErrors.ValidationFailed, CodeOf([new(0, 1)]));
        OrderPricing.ValidateItems([new(1, IOrderGrain.MaxQuantity), new(2, 1)]);
    }

    [Fact]
    public void ANewOrderWaitsForPaymentUntilTheTimeout()
    {
        var order = Pending();

        Assert.Equal(OrderStatus.PendingPayment, order.Status);
        Assert.Equal(Now.AddMinutes(5), order.ExpiresAt);
        Assert.False(order.IsOverdueAt(Now.AddMinutes(5).AddTicks(-1)));
        Assert.True(order.IsOverdueAt(Now.AddMinutes(5)));
    }

    [Fact]
    public void AFailedPaymentLeavesTheOrderPayable()
    {
        var retried = Pending().StartPayment(Now).FailPayment().StartPayment(Now);

        Assert.Equal(OrderStatus.Paying, retried.Status);
    }

    [Fact]
    public void APaidOrderCanBeNeitherPaidNorCancelledAndTheErrorNamesBothStates()
    {
        var paid = Pending().StartPayment(Now).CompletePayment(Now, balanceAfter: 5);

        var pay = Assert.Throws<DomainException>(() => paid.StartPayment(Now));
        var cancel = Assert.Throws<DomainException>(() => paid.Cancel(Now));

        Assert.Equal(DomainErrors.OrderNotPayable, pay.Code);
        Assert.Contains("PAID", pay.Message, StringComparison.Ordinal);
        Assert.Contains("PENDING_PAYMENT", pay.Message, StringComparison.Ordinal);
        Assert.Equal(DomainErrors.OrderNotCancellable, cancel.Code);
    }

    [Fact]
    public void AnOverdueOrderCannotStartPayment()
    {
        Assert.Equal(DomainErrors.OrderNotPayable,
            Assert.Throws<DomainException>(() => Pending().StartPayment(Now.AddMinutes(6))).Code);
    }

    [Fact]
    public void ExpiredAndCancelledOrdersAreNotPayable()
    {
        Assert.Equal(DomainErrors.OrderNotPayable,
            Assert.Throws<DomainException>(() => Pending().Expire(Now).StartPayment(Now)).Code);
        Assert.Equal(DomainErrors.OrderNotPayable,
            Assert.Throws<DomainException>(() => Pending().Cancel(Now).StartPayment(Now)).Code);
    }

    [Fact]
    public void ARepeatedCreateRequestIsRecognisedByUserLinesAndCoupon()
    {
        var order = Pending();

        Assert.True(order.IsSameRequest(9, [new(1, 2), new(2, 1)], 3));
        Assert.False(order.IsSameRequest(9, [new(1, 2), new(2, 2)], 3));
        Assert.False(order.IsSameRequest(8, [new(1, 2), new(2, 1)], 3));
        Assert.False(order.IsSameRequest(9, [new(1, 2), new(2, 1)], null));
    }
}
