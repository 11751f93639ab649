using ECommerce.Grains;
using ECommerce.Grains.Abstractions.Commerce;

namespace ECommerce.Grains.Tests.Rules;

public sealed class ProductRulesTests
{
    private static readonly DateTimeOffset Now = new(2025, 1, 1, 9, 0, 0, TimeSpan.Zero);

    private static ProductState Product(int stock) => ProductState.Create(1, "mouse", 25_000, stock, Now);

    [Fact]
    public void ReservingTakesUnitsOutOfStockOncePerOrder()
    {
        var reserved = Product(5).Reserve(orderId: 1, quantity: 3, Now).State;
        var repeat = reserved.Reserve(orderId: 1, quantity: 3, Now);

        Assert.Equal(2, repeat.State.Stock);
        Assert.Null(repeat.Record);
    }

    [Fact]
    public void ReservingMoreThanTheStockIsRefusedAndChangesNothing()
    {
        var product = Product(2);

        var error = Assert.Throws<DomainException>(() => product.Reserve(1, 3, Now));

        Assert.Equal(DomainErrors.StockInsufficient, error.Code);
        Assert.Equal(2, product.Stock);
    }

    [Fact]
    public void ReleasingGivesTheUnitsBackAndConfirmingKeepsThemSold()
    {
        var reserved = Product(5).Reserve(1, 3, Now).State.Reserve(2, 2, Now).State;

        var released = reserved.Release(1, Now).State;
        var confirmed = released.Confirm(2, Now).State;

        Assert.Equal(3, released.Stock);
        Assert.Equal(3, confirmed.Stock);
        Assert.Empty(confirmed.Reservations);
        Assert.Null(confirmed.Release(2, Now).Record);
    }

    [Fact]
    public void AdjustingStockNeverGoesBelowZero()
    {
        Assert.Equal(DomainErrors.StockInsufficient,
            Assert.Throws<DomainException>(() => Product(2).AdjustStock(-3)).Code);
        Assert.Equal(0, Product(2).AdjustStock(-2).Stock);
        Assert.Equal(12, Product(2).AdjustStock(10).Stock);
    }

    [Theory]
    [InlineData("", 1, 1)]
    [InlineData("x", -1, 1)]
    [InlineData("x", 1, -1)]
    public void CreatingRejectsBlankNamesAndNegativeNumbers(string name, long price, int stock)
    {
        Assert.Equal(DomainErrors.ValidationFailed,
            Assert.Throws<DomainException>(() => ProductState.Create(1, name, price, stock, Now)).Code);
    }
}
