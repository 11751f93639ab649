using ECommerce.Grains;
using ECommerce.Grains.Abstractions.Commerce;

namespace ECommerce.Grains.Tests.Rules;

public sealed class CouponRulesTests
{
    private static readonly DateTimeOffset Now = new(2025, 1, 1, 9, 0, 0, TimeSpan.Zero);

    private static CouponState Coupon(int quantity) =>
        CouponState.Create("new year", 5_000, quantity, Now.AddDays(1), Now);

    private static string CodeOf(Action action) => Assert.Throws<DomainException>(action).Code;

    [Fact]
    public void IssuesExactlyTheTotalQuantityThenReportsSoldOut()
    {
        var coupon = Coupon(3);
        for (var userId = 1; userId <= 3; userId++)
        {
            coupon = coupon.Issue(userId, Now).State;
        }

        Assert.Equal(0, coupon.Remaining);
        Assert.Equal(DomainErrors.CouponSoldOut, CodeOf(() => coupon.Issue(4, Now)));
        Assert.Equal(3, coupon.Issued.Count);
    }

    [Fact]
    public void IssuesOneCopyPerUser()
    {
        var coupon = Coupon(10).Issue(1, Now).State;

        Assert.Equal(DomainErrors.CouponAlreadyIssued, CodeOf(() => coupon.Issue(1, Now)));
        Assert.Equal(9, coupon.Remaining);
    }

    [Fact]
    public void IssuingAfterExpiryIsRefused()
    {
        Assert.Equal(DomainErrors.CouponExpired, CodeOf(() => Coupon(10).Issue(1, Now.AddDays(1))));
    }

    [Fact]
    public void ReservingIsIdempotentPerOrderAndRefusesASecondOrder()
    {
        var issued = Coupon(10).Issue(1, Now).State;
        var (first, discount) = issued.Reserve(1, orderId: 100, Now);
        var (repeat, _) = first.State.Reserve(1, orderId: 100, Now);

        Assert.Equal(5_000, discount);
        Assert.Null(repeat.Record);
        Assert.Equal(DomainErrors.CouponNotUsable, CodeOf(() => first.State.Reserve(1, orderId: 101, Now)));
    }

    [Fact]
    public void ACouponIsNotUsableByAnotherUserOrAfterExpiry()
    {
        var issued = Coupon(10).Issue(1, Now).State;

        Assert.Equal(DomainErrors.CouponNotUsable, CodeOf(() => issued.Reserve(2, 100, Now)));
        Assert.Equal(DomainErrors.CouponNotUsable, CodeOf(() => issued.Reserve(1, 100, Now.AddDays(2))));
    }

    [Fact]
    public void ReleasingMakesTheCopyAvailableForAnotherOrderButAUsedCopyStaysUsed()
    {
        var reserved = Coupon(10).Issue(1, Now).State.Reserve(1, 100, Now).Change.State;

        var released = reserved.Release(100).State;
        var used = reserved.ConfirmUse(100, Now).State;

        Assert.Equal(UserCouponStatus.Available, released.Issued[1].Status);
        Assert.Null(released.Issued[1].OrderId);
        Assert.Equal(UserCouponStatus.Used, used.Release(100).State.Issued[1].Status);
        Assert.Equal(DomainErrors.CouponNotUsable, CodeOf(() => used.Reserve(1, 101, Now)));
        Assert.Null(used.ConfirmUse(100, Now).Record);
    }

    [Fact]
    public void AnUnusedCopyReadsAsExpiredOnceTheCouponExpires()
    {
        var coupon = Coupon(10).Issue(1, Now).State;

        Assert.Equal(UserCouponStatus.Available, coupon.StatusOf(coupon.Issued[1], Now));
        Assert.Equal(UserCouponStatus.Expired, coupon.StatusOf(coupon.Issued[1], Now.AddDays(1)));
    }

    [Fact]
    public void ConfirmingWithoutAHeldCopyIsNotUsable()
    {
        Assert.Equal(DomainErrors.CouponNotUsable, CodeOf(() => Coupon(10).ConfirmUse(100, Now)));
    }
    [Fact]
    public void EachOrderFindsOnlyTheCopyItHoldsAlsoAfterTheCopyMovedToAnotherOrderOrTheStateWasReadBack()
    {
        var coupon = Coupon(10);
        for (var userId = 1; userId <= 5; userId++)
        {
            coupon = coupon.Issue(userId, Now).State.Reserve(userId, 100 + userId, Now).Change.State;
        }

        // Order 103 lets user 3's copy go; order 203 of the same user takes it.
        var moved = coupon.Release(103).State.Reserve(3, 203, Now).Change.State;
        // What storage gives back: the copies only, no index.
        var reread = new CouponState
        {
            Name = moved.Name, DiscountAmount = moved.DiscountAmount, TotalQuantity = moved.TotalQuantity,
            ExpiresAt = moved.ExpiresAt, CreatedAt = moved.CreatedAt, Issued = moved.Issued,
        };

        foreach (var state in new[] { moved, reread })
        {
            Assert.Equal(DomainErrors.CouponNotUsable, CodeOf(() => state.ConfirmUse(103, Now)));
            Assert.Null(state.Release(103).Record);
            var used = state.ConfirmUse(203, Now);
            Assert.Equal((3L, UserCouponStatus.Used, 203L), (used.Record!.UserId, used.Record.Status, used.Record.OrderId!.Value));
            Assert.Equal(4L, state.ConfirmUse(104, Now).Record!.UserId);
            Assert.Equal(UserCouponStatus.Available, state.Release(105).State.Issued[5].Status);
        }
    }
}
