
namespace ECommerce.Grains.Abstractions.Commerce;

/// <summary>What the directory knows of a coupon: the fixed data, and whether every copy is issued (which never
/// reverts: a released copy stays its user's).</summary>
[GenerateSerializer, Immutable]
public sealed record CouponListing(long CouponId, string Name, long DiscountAmount, int TotalQuantity,
    DateTimeOffset ExpiresAt, bool SoldOut);

/// <summary>page is 1-based, size 1..100; <paramref name="OpenOnly"/> keeps coupons not sold out and not expired.</summary>
[GenerateSerializer, Immutable]
public sealed record CouponDirectoryQuery(int Page = 1, int Size = 20, bool OpenOnly = false);

/// <summary>Listings ordered by coupon id; live quantities come from each <see cref="ICouponGrain"/>.</summary>
[GenerateSerializer, Immutable]
public sealed record CouponDirectoryPage(IReadOnlyList<CouponListing> Items, int Page, int Size, int Total);

/// <summary>The coupon listing (single activation, key <see cref="Key"/>). Told by each coupon grain once it is
/// stored, again on every activation of the coupon, and when it sells out; never calls a coupon.</summary>
public interface ICouponDirectoryGrain : IGrainWithIntegerKey
{
    public const long Key = 0;

    /// <summary>Adds or updates the listing; once sold out, a listing stays sold out. A repeat is a no-op.</summary>
    Task ListAsync(CouponListing listing);

    /// <exception cref="DomainException">VALIDATION_FAILED for a bad page or size.</exception>
    Task<CouponDirectoryPage> SearchAsync(CouponDirectoryQuery query);
}
