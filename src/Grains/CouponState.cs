using System.Collections.Immutable;
using ECommerce.Grains.Abstractions.Commerce;

namespace ECommerce.Grains;

/// <summary>One user's copy of a coupon.
/// <see cref="Status"/> is never <see cref="UserCouponStatus.Expired"/>: expiry is derived when read.</summary>
[GenerateSerializer, Immutable]
public sealed record UserCoupon(long UserId, UserCouponStatus Status, long? OrderId, DateTimeOffset IssuedAt,
    DateTimeOffset? UsedAt);

/// <summary>A coupon step's outcome; <see cref="Record"/> is null when the step repeated an earlier one.</summary>
public sealed record CouponChange(CouponState State, UserCoupon? Record);

/// <summary>A first-come coupon and every copy issued so far (at most <see cref="TotalQuantity"/>), by user id.</summary>
[GenerateSerializer, Immutable]
public sealed record CouponState
{
    public const int MaxNameLength = 200;
    public const long MaxDiscount = 1_000_000_000;
    public const int MaxQuantity = 1_000_000;

    [Id(0)]
    public string Name { get; init; } = "";

    [Id(1)]
    public long DiscountAmount { get; init; }

    [Id(2)]
    public int TotalQuantity { get; init; }

    [Id(3)]
    public DateTimeOffset ExpiresAt { get; init; }

    [Id(4)]
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>The copies as rows stored them before <see cref="Copies"/>: read from such a row, never written again
    /// (the next commit stores <see cref="Copies"/> and leaves this empty).</summary>
    [Id(5)]
    public ImmutableDictionary<long, UserCoupon>? StoredIssued { get; init; }

    [Id(6)]
    public CouponCopies? Copies { get; init; }

    /// <summary>Every copy issued, by user id.</summary>
    public ImmutableDictionary<long, UserCoupon> Issued
    {
        get => Copies?.ByUser ?? StoredIssued ?? ImmutableDictionary<long, UserCoupon>.Empty;
        init
        {
            Copies = new CouponCopies(value);
            StoredIssued = null;
        }
    }

    // Order id -> user id of every copy that names an order (reserved or used): derived from Issued, never stored, built
    // on first use after a read and carried along by each change, so confirming or releasing an order's copy is one
    // lookup instead of a pass over every copy issued.
    [NonSerialized]
    private ImmutableDictionary<long, long>? _byOrder;

    public bool Exists => Name.Length > 0;

    public int Remaining => TotalQuantity - Issued.Count;

    public bool IsExpiredAt(DateTimeOffset now) => now >= ExpiresAt;

    public static CouponState Create(string? name, long discountAmount, int totalQuantity, DateTimeOffset expiresAt,
        DateTimeOffset now)
    {
        var trimmed = DomainText.Name(name, MaxNameLength);

        if (discountAmount is < 1 or > MaxDiscount)
        {
            throw DomainErrors.Validation($"discountAmount must be 1..{MaxDiscount}.");
        }

        if (totalQuantity is < 1 or > MaxQuantity)
        {
            throw DomainErrors.Validation($"totalQuantity must be 1..{MaxQuantity}.");
        }

        if (expiresAt <= now)
        {
            throw DomainErrors.Validation("expiresAt must be in the future.");
        }

        return new CouponState
        {
            Name = trimmed, DiscountAmount = discountAmount, TotalQuantity = totalQuantity,
            ExpiresAt = expiresAt.ToUniversalTime(), CreatedAt = now,
        };
    }

    public bool IsSameCoupon(CouponState other) =>
        Name == other.Name && DiscountAmount == other.DiscountAmount && TotalQuantity == other.TotalQuantity
        && ExpiresAt == other.ExpiresAt;

    /// <summary>Why <see cref="Issue"/> would refuse the user now, in its order (expired, then already issued, then sold
    /// out), or null; not thrown.</summary>
    public DomainException? IssueRefusalFor(long userId, DateTimeOffset now) =>
        IsExpiredAt(now) ? DomainErrors.Conflict(DomainErrors.CouponExpired, $"Coupon '{Name}' expired at {ExpiresAt:O}.")
        : Issued.ContainsKey(userId) ? DomainErrors.Conflict(DomainErrors.CouponAlreadyIssued,
            $"Coupon '{Name}' was already issued to user {userId}.")
        : Remaining <= 0 ? DomainErrors.Conflict(DomainErrors.CouponSoldOut, $"All {TotalQuantity} copies of coupon '{Name}' are issued.")
        : null;

    /// <summary>Checks and issues in one step, so the last copy can never go to two users.</summary>
    public CouponChange Issue(long userId, DateTimeOffset now)
    {
        if (IssueRefusalFor(userId, now) is { } refusal)
        {
            throw refusal;
        }

        var copy = new UserCoupon(userId, UserCouponStatus.Available, null, now, null);
        return new CouponChange(this with { Issued = Issued.Add(userId, copy) }, copy);
    }

    public (CouponChange Change, long Discount) Reserve(long userId, long orderId, DateTimeOffset now)
    {
        if (!Issued.TryGetValue(userId, out var copy))
        {
            throw NotUsable($"Coupon '{Name}' was not issued to user {userId}.");
        }

        if (copy.OrderId == orderId && copy.Status is UserCouponStatus.Reserved or UserCouponStatus.Used)
        {
            return (new CouponChange(this, null), DiscountAmount);
        }

        if (copy.Status != UserCouponStatus.Available)
        {
            throw NotUsable($"Coupon '{Name}' of user {userId} is {copy.Status} by order {copy.OrderId}.");
        }

        if (IsExpiredAt(now))
        {
            throw NotUsable($"Coupon '{Name}' expired at {ExpiresAt:O}.");
        }

        return (Update(copy with { Status = UserCouponStatus.Reserved, OrderId = orderId }), DiscountAmount);
    }

    public CouponChange ConfirmUse(long orderId, DateTimeOffset now)
    {
        var copy = HeldBy(orderId) ?? throw NotUsable($"No copy of coupon '{Name}' is held by order {orderId}.");
        return copy.Status == UserCouponStatus.Used
            ? new CouponChange(this, null)
            : Update(copy with { Status = UserCouponStatus.Used, UsedAt = now });
    }

    public CouponChange Release(long orderId) =>
        HeldBy(orderId) is { Status: UserCouponStatus.Reserved } copy
            ? Update(copy with { Status = UserCouponStatus.Available, OrderId = null })
            : new CouponChange(this, null);

    /// <summary>What the user sees: an unused copy past the coupon's expiry reads as expired.</summary>
    public UserCouponStatus StatusOf(UserCoupon copy, DateTimeOffset now) =>
        copy.Status == UserCouponStatus.Available && IsExpiredAt(now) ? UserCouponStatus.Expired : copy.Status;

    private UserCoupon? HeldBy(long orderId) =>
        ByOrder.TryGetValue(orderId, out var userId) && Issued.TryGetValue(userId, out var copy) && copy.OrderId == orderId
            ? copy
            : null;

    private ImmutableDictionary<long, long> ByOrder => _byOrder ??= IndexByOrder(Issued);

    private static ImmutableDictionary<long, long> IndexByOrder(ImmutableDictionary<long, UserCoupon> issued)
    {
        var index = ImmutableDictionary.CreateBuilder<long, long>();
        foreach (var copy in issued.Values)
        {
            if (copy.OrderId is { } orderId)
            {
                index[orderId] = copy.UserId;
            }
        }

        return index.ToImmutable();
    }

    private CouponChange Update(UserCoupon copy)
    {
        var byOrder = ByOrder;
        if (Issued.TryGetValue(copy.UserId, out var before) && before.OrderId is { } released && released != copy.OrderId)
        {
            byOrder = byOrder.Remove(released);
        }

        if (copy.OrderId is { } held)
        {
            byOrder = byOrder.SetItem(held, copy.UserId);
        }

        return new(this with { Issued = Issued.SetItem(copy.UserId, copy), _byOrder = byOrder }, copy);
    }

    private static DomainException NotUsable(string message) =>
        DomainErrors.Conflict(DomainErrors.CouponNotUsable, message);
}
