using ECommerce.Grains.Abstractions.Commerce;

namespace ECommerce.Api.Coupons;

public sealed record CreateCouponRequest(string? Name, long? DiscountAmount, long? TotalQuantity, DateTimeOffset? ExpiresAt);

public sealed record IssueCouponRequest(long? UserId);

public sealed record CouponResponse(long CouponId, string Name, long DiscountAmount, int TotalQuantity,
    int IssuedQuantity, int Remaining, DateTimeOffset ExpiresAt)
{
    public static CouponResponse From(CouponSnapshot coupon) =>
        new(coupon.CouponId, coupon.Name, coupon.DiscountAmount, coupon.TotalQuantity, coupon.IssuedQuantity,
            coupon.Remaining, coupon.ExpiresAt);
}

/// <summary>A page of coupons by id; <paramref name="Total"/> counts the matches the directory knows.</summary>
public sealed record CouponPageResponse(IReadOnlyList<CouponResponse> Items, int Page, int Size, int Total)
{
    public const int MaxPageSize = 100;
}

/// <param name="Status">AVAILABLE, RESERVED, USED or EXPIRED.</param>
public sealed record IssuedCouponResponse(long CouponId, long UserId, string Status, DateTimeOffset IssuedAt,
    DateTimeOffset ExpiresAt)
{
    public static IssuedCouponResponse From(UserCouponView view) =>
        new(view.CouponId, view.UserId, view.Status.ToWire(), view.IssuedAt, view.ExpiresAt);
}
