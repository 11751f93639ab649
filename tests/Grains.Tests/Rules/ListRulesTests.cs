using ECommerce.Grains;
using ECommerce.Grains.Abstractions.Commerce;

namespace ECommerce.Grains.Tests.Rules;

public sealed class ListRulesTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void AUsersOrdersPageNewestFirstByCreationTimeThenId()
    {
        // Order 7 was created last although its id is lower (an id reserved earlier by an Idempotency-Key).
        var orders = new UserOrdersState()
            .Add(10, Start.AddSeconds(1)).Add(11, Start.AddSeconds(2)).Add(12, Start.AddSeconds(2)).Add(7, Start.AddSeconds(3));

        var first = orders.Page(1, 3);
        var second = orders.Page(2, 3);

        Assert.Equal([7L, 12, 11], first.OrderIds);
        Assert.Equal([10L], second.OrderIds);
        Assert.Equal((4, 4), (first.Total, second.Total));
        Assert.Empty(orders.Page(3, 3).OrderIds);
    }

    [Fact]
    public void AnOrderIsHeldOnceAndForgottenWhenRemoved()
    {
        var orders = new UserOrdersState().Add(5, Start).Add(5, Start);

        Assert.True(orders.Holds(5, Start));
        Assert.False(orders.Holds(5, Start.AddSeconds(1)));
        Assert.Equal(1, orders.Page(1, 10).Total);
        Assert.Equal(0, orders.Remove(5).Remove(6).Page(1, 10).Total);
    }

    [Theory]
    [InlineData(0, 20)]
    [InlineData(1, 0)]
    [InlineData(1, 101)]
    public void ListsRejectBadPagesAndSizes(int page, int size)
    {
        Assert.Equal(DomainErrors.ValidationFailed, Assert.Throws<DomainException>(() => new UserOrdersState().Page(page, size)).Code);
        Assert.Equal(DomainErrors.ValidationFailed, Assert.Throws<DomainException>(
            () => new CouponDirectoryState().Search(new CouponDirectoryQuery(page, size), Start)).Code);
    }

    [Fact]
    public void TheOpenCouponsAreThoseNotSoldOutAndNotExpired()
    {
        var directory = new CouponDirectoryState()
            .List(Listing(1, soldOut: false, expiresIn: 60))
            .List(Listing(2, soldOut: true, expiresIn: 60))
            .List(Listing(3, soldOut: false, expiresIn: 10))
            .List(Listing(4, soldOut: false, expiresIn: 60));

        var open = directory.Search(new CouponDirectoryQuery(OpenOnly: true), Start.AddSeconds(10));
        var all = directory.Search(new CouponDirectoryQuery(Page: 2, Size: 3), Start.AddSeconds(10));

        Assert.Equal([1L, 4], open.Items.Select(c => c.CouponId));
        Assert.Equal(2, open.Total);
        Assert.Equal([4L], all.Items.Select(c => c.CouponId));
        Assert.Equal(4, all.Total);
    }

    [Fact]
    public void ASoldOutListingStaysSoldOutWhenAnOlderNoteArrivesLate()
    {
        var directory = new CouponDirectoryState().List(Listing(1, soldOut: true, expiresIn: 60));

        var late = directory.Merged(Listing(1, soldOut: false, expiresIn: 60));

        Assert.True(late.SoldOut);
        Assert.True(directory.Holds(late));
        Assert.False(new CouponDirectoryState().Merged(Listing(1, soldOut: false, expiresIn: 60)).SoldOut);
    }

    private static CouponListing Listing(long id, bool soldOut, int expiresIn) =>
        new(id, $"Coupon {id}", 100, 10, Start.AddSeconds(expiresIn), soldOut);
}
