using System.Buffers;
using System.Collections.Immutable;
using ECommerce.Grains.Abstractions.Commerce;

namespace ECommerce.Grains;

/// <summary>Every copy a coupon issued, by user id. A coupon's state is stored whole on each of its commits (an issue,
/// a hold, a use), so its copies are stored as one compact byte array (<see cref="CouponCopiesEncoding"/>) rather than
/// field by field: a thousand copies take about 12 bytes each instead of about 58, and encode without a pass through a
/// dictionary surrogate.</summary>
[Immutable]
public sealed class CouponCopies(ImmutableDictionary<long, UserCoupon> byUser)
{
    public static CouponCopies Empty { get; } = new(ImmutableDictionary<long, UserCoupon>.Empty);

    public ImmutableDictionary<long, UserCoupon> ByUser { get; } = byUser;
}

/// <summary>How <see cref="CouponCopies"/> is stored: its encoded bytes only.</summary>
[GenerateSerializer]
public struct CouponCopiesSurrogate
{
    [Id(0)]
    public byte[] Encoded;
}

[RegisterConverter]
public sealed class CouponCopiesConverter : IConverter<CouponCopies, CouponCopiesSurrogate>
{
    public CouponCopies ConvertFromSurrogate(in CouponCopiesSurrogate surrogate) =>
        new(CouponCopiesEncoding.Decode(surrogate.Encoded ?? []));

    public CouponCopiesSurrogate ConvertToSurrogate(in CouponCopies value) =>
        new() { Encoded = CouponCopiesEncoding.Encode(value.ByUser) };
}

/// <summary>The byte layout of a coupon's copies: a version byte, the count, then each copy, in the dictionary's own
/// order (ascending ids for ids below 2^32, so gaps stay small without a sort on each write), as variable-length
/// integers: the user id's signed gap from the previous one, the status, the order id plus one (0 for none),
/// the issue time's UTC ticks as a signed gap from the previous copy's, and the use time's gap from the issue time plus
/// one (0 for none). Times come back in UTC; the instant is kept exactly.</summary>
public static class CouponCopiesEncoding
{
    private const byte Version = 1;

    public static byte[] Encode(ImmutableDictionary<long, UserCoupon> copies)
    {
        var buffer = new ArrayBufferWriter<byte>(16 + copies.Count * 16);
        buffer.GetSpan(1)[0] = Version;
        buffer.Advance(1);
        WriteUnsigned(buffer, (ulong)copies.Count);
        long previousUser = 0;
        long previousTicks = 0;
        foreach (var copy in copies.Values)
        {
            WriteSigned(buffer, copy.UserId - previousUser);
            WriteUnsigned(buffer, (ulong)copy.Status);
            WriteUnsigned(buffer, copy.OrderId is { } orderId ? (ulong)orderId + 1 : 0);
            var issuedTicks = copy.IssuedAt.UtcTicks;
            WriteSigned(buffer, issuedTicks - previousTicks);
            WriteUnsigned(buffer, copy.UsedAt is { } usedAt ? Zigzag(usedAt.UtcTicks - issuedTicks) + 1 : 0);
            previousUser = copy.UserId;
            previousTicks = issuedTicks;
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <exception cref="InvalidDataException">Bytes that are not an encoding of this version.</exception>
    public static ImmutableDictionary<long, UserCoupon> Decode(ReadOnlySpan<byte> encoded)
    {
        if (encoded.IsEmpty)
        {
            return ImmutableDictionary<long, UserCoupon>.Empty;
        }

        if (encoded[0] != Version)
        {
            throw new InvalidDataException($"Coupon copies encoded in version {encoded[0]}, not {Version}.");
        }

        var position = 1;
        var count = checked((int)ReadUnsigned(encoded, ref position));
        var copies = ImmutableDictionary.CreateBuilder<long, UserCoupon>();
        long userId = 0;
        long ticks = 0;
        for (var i = 0; i < count; i++)
        {
            userId += ReadSigned(encoded, ref position);
            var status = (UserCouponStatus)ReadUnsigned(encoded, ref position);
            var order = ReadUnsigned(encoded, ref position);
            ticks += ReadSigned(encoded, ref position);
            var used = ReadUnsigned(encoded, ref position);
            var issuedAt = new DateTimeOffset(ticks, TimeSpan.Zero);
            copies.Add(userId, new UserCoupon(userId, status, order == 0 ? null : (long)(order - 1), issuedAt,
                used == 0 ? null : issuedAt.AddTicks(Unzigzag(used - 1))));
        }

        if (position != encoded.Length)
        {
            throw new InvalidDataException($"{encoded.Length - position} bytes after the last of {count} coupon copies.");
        }

        return copies.ToImmutable();
    }

    private static ulong Zigzag(long value) => (ulong)((value << 1) ^ (value >> 63));

    private static long Unzigzag(ulong value) => (long)(value >> 1) ^ -(long)(value & 1);

    private static void WriteSigned(ArrayBufferWriter<byte> buffer, long value) => WriteUnsigned(buffer, Zigzag(value));

    private static long ReadSigned(ReadOnlySpan<byte> encoded, ref int position) => Unzigzag(ReadUnsigned(encoded, ref position));

    private static void WriteUnsigned(ArrayBufferWriter<byte> buffer, ulong value)
    {
        var span = buffer.GetSpan(10);
        var written = 0;
        while (value >= 0x80)
        {
            span[written++] = (byte)(value | 0x80);
            value >>= 7;
        }

        span[written++] = (byte)value;
        buffer.Advance(written);
    }

    private static ulong ReadUnsigned(ReadOnlySpan<byte> encoded, ref int position)
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (position >= encoded.Length)
            {
                throw new InvalidDataException("Coupon copies end inside a number.");
            }

            var next = encoded[position++];
            value |= (ulong)(next & 0x7F) << shift;
            if (next < 0x80)
            {
                return value;
            }
        }

        throw new InvalidDataException("A number in the coupon copies is longer than 64 bits.");
    }
}
