using ECommerce.Grains;
using ECommerce.Grains.Abstractions.Commerce;

namespace ECommerce.Grains.Tests.Rules;

public sealed class CatalogAndWireNameTests
{
    private static readonly CatalogState Catalog = Enumerable.Range(1, 25)
        .Aggregate(new CatalogState(), (catalog, i) => catalog.Add(Item(i, i % 2 == 0 ? $"Blue mug {i}" : $"Red pen {i}", i * 1_000)));

    private static CatalogItem Item(long id, string name, long price) =>
        new(id, name, [new CatalogOption(id, name, price, 1)], DateTimeOffset.UnixEpoch.AddMinutes(id));

    [Fact]
    public void PagesByProductIdAndCountsEveryMatch()
    {
        var page = Catalog.Search(new CatalogQuery(Page: 2, Size: 10));

        Assert.Equal(25, page.Total);
        Assert.Equal(Enumerable.Range(11, 10).Select(i => (long)i), page.Items.Select(i => i.ProductId));
        Assert.Empty(Catalog.Search(new CatalogQuery(Page: 4, Size: 10)).Items);
    }

    [Fact]
    public void FiltersByNameCaseInsensitivelyAndByPriceRange()
    {
        var page = Catalog.Search(new CatalogQuery(Query: "MUG", MinPrice: 4_000, MaxPrice: 10_000));

        Assert.Equal([4L, 6, 8, 10], page.Items.Select(i => i.ProductId));
        Assert.Equal(4, page.Total);
    }

    [Theory]
    [InlineData(0, 20, null, null)]
    [InlineData(1, 0, null, null)]
    [InlineData(1, 101, null, null)]
    [InlineData(1, 20, 10L, 5L)]
    [InlineData(1, 20, -1L, null)]
    public void RejectsBadPagesSizesAndPriceRanges(int page, int size, long? min, long? max)
    {
        Assert.Equal(DomainErrors.ValidationFailed,
            Assert.Throws<DomainException>(() => Catalog.Search(new CatalogQuery(page, size, null, min, max))).Code);
    }

    [Fact]
    public void EnumsTravelAsUpperSnakeCaseAndBack()
    {
        Assert.Equal("PENDING_PAYMENT", OrderStatus.PendingPayment.ToWire());
        Assert.Equal("CHARGE", BalanceTransactionType.Charge.ToWire());
        Assert.Equal(OrderStatus.PendingPayment, WireNames.FromWire<OrderStatus>("PENDING_PAYMENT"));
        Assert.Equal(UserCouponStatus.Used, WireNames.FromWire<UserCouponStatus>("USED"));
    }
}
