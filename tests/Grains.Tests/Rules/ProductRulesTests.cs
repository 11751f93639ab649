using System.Collections.Immutable;
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

    [Fact]
    public void AProductStoredBeforeOptionsIsReadAsOneOptionWithTheProductIdKeepingItsStockSoldAndHolds()
    {
        var stored = new ProductState
        {
            Name = "kettle", LegacyPrice = 3_000, LegacyStock = 7, LegacySold = 2, CreatedAt = Now,
            LegacyReservations = ImmutableDictionary<long, int>.Empty.Add(11, 1),
        };

        var upgraded = stored.Upgraded(productId: 42);

        var option = Assert.Single(upgraded.Options);
        Assert.Equal((42L, "default", 3_000L, 7, 2L), (option.OptionId, option.Name, option.Price, option.Stock, option.Sold));
        Assert.Equal([new KeyValuePair<long, int>(11, 1)], option.Reservations);
        Assert.Equal((3_000L, 7, 2L, 0, 0L), (upgraded.Price, upgraded.Stock, upgraded.Sold, upgraded.LegacyStock, upgraded.LegacySold));
        Assert.Same(upgraded, upgraded.Upgraded(42));
        Assert.True(upgraded.IsSameProduct(ProductState.Create(42, "kettle", 3_000, 0, Now)));

        // The hold taken before the upgrade is the option's: releasing it gives the unit back once.
        var released = upgraded.Release(11, Now).State;
        Assert.Equal(8, released.Option(42).Stock);
        Assert.Null(released.Release(11, Now).Record);
        Assert.Equal(3L, upgraded.Confirm(11, Now).State.Option(42).Sold);
    }

    [Fact]
    public void OptionsKeepTheirOwnStockAndOneOrdersHoldsOnSeveralOptionsSettleTogether()
    {
        var product = ProductState.Create(5, "shirt", [new(5, "S", 100, 3), new(6, "M", 120, 1)], Now);

        var held = product.Reserve(1, 5, 2, Now).State.Reserve(1, 6, 1, Now).State;

        Assert.Equal([1, 0], held.Options.Select(o => o.Stock));
        Assert.Equal(DomainErrors.StockInsufficient, Assert.Throws<DomainException>(() => held.Reserve(2, 6, 1, Now)).Code);
        Assert.Equal(DomainErrors.ProductOptionRequired, Assert.Throws<DomainException>(() => held.Reserve(2, 0, 1, Now)).Code);
        Assert.Equal(DomainErrors.ProductOptionNotFound, Assert.Throws<DomainException>(() => held.Reserve(2, 7, 1, Now)).Code);
        Assert.Equal(3, held.Reservations[1]);
        var confirmed = held.Confirm(1, Now);
        Assert.Equal(3, confirmed.Record!.Quantity);
        Assert.Equal([(1, 2L), (0, 1L)], confirmed.State.Options.Select(o => (o.Stock, o.Sold)));
        Assert.Equal([3, 1], held.Release(1, Now).State.Options.Select(o => o.Stock));
        Assert.Equal(DomainErrors.ValidationFailed,
            Assert.Throws<DomainException>(() => ProductState.Create(5, "x", [new(5, "S", 1, 1), new(6, "s", 1, 1)], Now)).Code);
        Assert.Equal(DomainErrors.ValidationFailed,
            Assert.Throws<DomainException>(() => ProductState.Create(5, "x", [new(6, "S", 1, 1)], Now)).Code);
    }
}
