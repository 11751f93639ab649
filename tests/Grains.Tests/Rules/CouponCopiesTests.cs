using System.Collections.Immutable;
using ECommerce.Grains;
using ECommerce.Grains.Abstractions.Commerce;
using Orleans.Serialization;

namespace ECommerce.Grains.Tests.Rules;

/// <summary>A coupon's state is written whole on each of its commits, copies included, so the copies are stored as one
/// compact array; rows stored before that still read.</summary>
public sealed class CouponCopiesTests
{
    private static readonly Serializer Serializer = StoredForm.Serializer;

    private static readonly DateTimeOffset Now = new(2026, 12, 4, 22, 15, 0, TimeSpan.Zero);

    private static CouponState Coupon(int quantity = 5_000) =>
        CouponState.Create("Flash", 1_000, quantity, Now.AddDays(7), Now);

    /// <summary>Copies in every status, ids with gaps and out of order, sub-millisecond times, a use before its issue
    /// time (clocks of two nodes), and an order id at the largest value.</summary>
    private static ImmutableDictionary<long, UserCoupon> MixedCopies(int count)
    {
        var copies = ImmutableDictionary.CreateBuilder<long, UserCoupon>();
        for (var i = count; i >= 1; i--)
        {
            var userId = i * 7L + (i % 3 == 0 ? 1_000_000_000_000 : 0);
            var issuedAt = Now.AddTicks(i * 12_345L - 9_999_999);
            copies[userId] = (i % 4) switch
            {
                0 => new UserCoupon(userId, UserCouponStatus.Available, null, issuedAt, null),
                1 => new UserCoupon(userId, UserCouponStatus.Reserved, 5_000 + i, issuedAt, null),
                2 => new UserCoupon(userId, UserCouponStatus.Used, 9_000 + i, issuedAt, issuedAt.AddTicks(i % 5 == 0 ? -3 : 777_777)),
                _ => new UserCoupon(userId, UserCouponStatus.Used, long.MaxValue - i, issuedAt, issuedAt),
            };
        }

        return copies.ToImmutable();
    }

    private static void AssertSameCopies(ImmutableDictionary<long, UserCoupon> expected, ImmutableDictionary<long, UserCoupon> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        foreach (var (userId, copy) in expected)
        {
            var read = actual[userId];
            Assert.Equal(copy, read);
            Assert.Equal(copy.IssuedAt.UtcTicks, read.IssuedAt.UtcTicks);
            Assert.Equal(copy.UsedAt?.UtcTicks, read.UsedAt?.UtcTicks);
        }
    }

    [Fact]
    public void EveryCopyReadsBackExactlyAfterTheStateIsStoredAndItsIndexByOrderStillFindsHeldCopies()
    {
        var copies = MixedCopies(1_000);
        var state = Coupon() with { Issued = copies };

        var reread = Serializer.Deserialize<CouponState>(Serializer.SerializeToArray(state))!;

        AssertSameCopies(copies, reread.Issued);
        Assert.Null(reread.StoredIssued);
        Assert.Equal((state.Name, state.TotalQuantity, state.Remaining), (reread.Name, reread.TotalQuantity, reread.Remaining));
        // User 7 (i = 1) holds the coupon for order 5,001; releasing it through the re-read state finds it by order.
        Assert.Equal(UserCouponStatus.Available, reread.Release(5_001).State.Issued[7].Status);
        // User 14 (i = 2) used it for order 9,002: a repeated confirmation changes nothing.
        Assert.Null(reread.ConfirmUse(9_002, Now).Record);
    }

    [Fact]
    public void ARowStoredBeforeTheEncodingReadsItsCopiesAndTheNextChangeStoresThemEncoded()
    {
        var copies = MixedCopies(50);
        // What a row of the earlier layout holds: the copies field by field under id 5, nothing under id 6.
        var oldRow = Serializer.SerializeToArray(Coupon() with { Copies = null, StoredIssued = copies });

        var loaded = Serializer.Deserialize<CouponState>(oldRow)!;
        AssertSameCopies(copies, loaded.Issued);
        Assert.Equal(5_000 - 50, loaded.Remaining);

        var issued = loaded.Issue(userId: 3, Now).State;
        Assert.Null(issued.StoredIssued);
        var stored = Serializer.Deserialize<CouponState>(Serializer.SerializeToArray(issued))!;
        AssertSameCopies(copies.Add(3, issued.Issued[3]), stored.Issued);
        Assert.Throws<DomainException>(() => stored.Issue(userId: 3, Now));
    }

    [Fact]
    public void AThousandCopiesStoreInUnderAThirdOfWhatTheyTookFieldByField()
    {
        // Copies as a flash sale leaves them: consecutive user ids issued a few milliseconds apart, each used by an order.
        var copies = Enumerable.Range(1, 1_000).ToImmutableDictionary(i => 10_000L + i, i => new UserCoupon(10_000L + i,
            UserCouponStatus.Used, 50_000 + i, Now.AddTicks(i * 31_337L), Now.AddTicks(i * 31_337L + 2_500_000)));

        var encoded = Serializer.SerializeToArray(Coupon() with { Issued = copies }).Length;
        var fieldByField = Serializer.SerializeToArray(Coupon() with { Copies = null, StoredIssued = copies }).Length;

        Assert.True(encoded * 3 < fieldByField, $"{encoded} bytes encoded, {fieldByField} field by field");
    }

    [Fact]
    public void BytesOfAnotherVersionOrCutShortAreRefusedRatherThanReadAsOtherCopies()
    {
        var encoded = CouponCopiesEncoding.Encode(MixedCopies(3));

        Assert.Empty(CouponCopiesEncoding.Decode([]));
        Assert.Throws<InvalidDataException>(() => CouponCopiesEncoding.Decode([2, .. encoded[1..]]));
        Assert.Throws<InvalidDataException>(() => CouponCopiesEncoding.Decode(encoded[..^1]));
        Assert.Throws<InvalidDataException>(() => CouponCopiesEncoding.Decode([.. encoded, 0]));
    }
}
