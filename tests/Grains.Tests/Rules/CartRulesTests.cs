using ECommerce.Grains;
using ECommerce.Grains.Abstractions.Commerce;

namespace ECommerce.Grains.Tests.Rules;

public sealed class CartRulesTests
{
    [Fact]
    public void SettingALineAddsOrReplacesItAndTheFiftyFirstLineIsRefused()
    {
        var cart = new CartState().Set(10, 1, 2).Set(11, 1, 1).Set(10, 1, 5);

        Assert.Equal([new CartLine(10, 1, 5), new CartLine(11, 1, 1)], cart.Lines);
        var full = Enumerable.Range(100, ICartGrain.MaxLines).Aggregate(new CartState(), (c, id) => c.Set(id, 1, 1));
        Assert.Equal(DomainErrors.CartFull, Assert.Throws<DomainException>(() => full.Set(1, 1, 1)).Code);
        Assert.Equal(ICartGrain.MaxLines, full.Set(100, 1, 3).Lines.Count);
        Assert.Equal(DomainErrors.ValidationFailed, Assert.Throws<DomainException>(() => cart.Set(12, 1, 0)).Code);
        Assert.Equal(DomainErrors.ValidationFailed, Assert.Throws<DomainException>(() => cart.Set(12, 1, 1_001)).Code);
        Assert.Equal([new CartLine(11, 1, 1)], cart.Remove(10).Remove(10).Lines);
    }

    [Fact]
    public void ACheckoutIsStoredAsPendingThenEmptiesTheCartOnlyWhenTheOrderExists()
    {
        var cart = new CartState().Set(10, 1, 2).Set(20, 2, 1);

        var pending = cart.StartCheckout(orderId: 7, couponId: 3);

        Assert.Equal((7L, 3L), (pending.Pending!.OrderId, pending.Pending.CouponId));
        Assert.Equal([new OrderItemRequest(1, 2, 10), new OrderItemRequest(2, 1, 20)], pending.Pending.Items);
        Assert.Equal(cart.Lines, pending.CheckoutRefused().Lines);
        Assert.Null(pending.CheckoutRefused().Pending);
        var done = pending.CheckedOut();
        Assert.Equal((0, null, 7L), (done.Lines.Count, done.Pending, done.LastOrderId));
        Assert.Equal(DomainErrors.CartEmpty, Assert.Throws<DomainException>(() => done.StartCheckout(8, null)).Code);
    }
}
