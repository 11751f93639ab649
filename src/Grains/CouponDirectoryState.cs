using System.Collections.Immutable;
using ECommerce.Grains.Abstractions.Commerce;

namespace ECommerce.Grains;

/// <summary>A read model of every coupon's fixed data and sold-out flag, stored as the directory grain's own state.</summary>
[GenerateSerializer, Immutable]
public sealed record CouponDirectoryState
{
    public const int MaxPageSize = 100;

    [Id(0)]
    public ImmutableSortedDictionary<long, CouponListing> Coupons { get; init; } =
        ImmutableSortedDictionary<long, CouponListing>.Empty;

    /// <summary>The listing as it should be stored: sold out stays sold out, whatever order the notes arrive in.</summary>
    public CouponListing Merged(CouponListing listing) =>
        Coupons.TryGetValue(listing.CouponId, out var known) && known.SoldOut && !listing.SoldOut
            ? listing with { SoldOut = true }
            : listing;

    public bool Holds(CouponListing listing) => Coupons.TryGetValue(listing.CouponId, out var known) && known == listing;

    public CouponDirectoryState List(CouponListing listing) =>
        this with { Coupons = Coupons.SetItem(listing.CouponId, listing) };

    public static bool IsOpen(CouponListing listing, DateTimeOffset now) => !listing.SoldOut && now < listing.ExpiresAt;

    public CouponDirectoryPage Search(CouponDirectoryQuery query, DateTimeOffset now)
    {
        if (query.Page < 1 || query.Size is < 1 or > MaxPageSize)
        {
            throw DomainErrors.Validation($"page must be at least 1 and size 1..{MaxPageSize}.");
        }

        var matches = query.OpenOnly ? Coupons.Values.Where(c => IsOpen(c, now)).ToList() : Coupons.Values.ToList();
        var skip = (long)(query.Page - 1) * query.Size;
        var page = skip >= matches.Count ? [] : matches.Skip((int)skip).Take(query.Size).ToList();
        return new CouponDirectoryPage(page, query.Page, query.Size, matches.Count);
    }
}
