
namespace ECommerce.Grains.Abstractions.Commerce;

[GenerateSerializer, Immutable]
public sealed record CouponSnapshot(long CouponId, string Name, long DiscountAmount, int TotalQuantity,
    int IssuedQuantity, int Remaining, DateTimeOffset ExpiresAt, DateTimeOffset CreatedAt);

public enum UserCouponStatus
{
    Available,
    Reserved,
    Used,
    /// <summary>Never stored: an available coupon past its expiry is reported as expired.</summary>
    Expired,
}

/// <summary>An issue's outcome: the copy issued, or the refusal (never both).</summary>
[GenerateSerializer, Immutable]
public sealed record CouponIssue([property: Id(0)] UserCouponView? Issued, [property: Id(1)] DomainException? Refusal);

[GenerateSerializer, Immutable]
public sealed record UserCouponView(long CouponId, long UserId, string Name, long DiscountAmount,
    UserCouponStatus Status, DateTimeOffset IssuedAt, DateTimeOffset? UsedAt, DateTimeOffset ExpiresAt, long? OrderId);

/// <summary>A first-come coupon, keyed by coupon id; owns its user_coupon rows. Calls only
/// <see cref="IUserGrain.AddCouponAsync"/>, and <see cref="IQueueGrain.CheckPassAsync"/> while behind a waiting room.</summary>
public interface ICouponGrain : IGrainWithIntegerKey, IQueueGatedGrain
{
    /// <summary>discount 1..1,000,000,000, quantity 1..1,000,000, expiry in the future; idempotent for the same data.</summary>
    /// <exception cref="DomainException">VALIDATION_FAILED, COUPON_ALREADY_EXISTS (other data).</exception>
    Task<CouponSnapshot> CreateAsync(string name, long discountAmount, int totalQuantity, DateTimeOffset expiresAt);

    /// <exception cref="DomainException">COUPON_NOT_FOUND.</exception>
    Task<CouponSnapshot> GetAsync();

    /// <summary>Issues one coupon to the user, first come first served: never more than the total, one per user.</summary>
    /// <exception cref="DomainException">COUPON_NOT_FOUND, USER_NOT_FOUND, COUPON_EXPIRED, COUPON_ALREADY_ISSUED,
    /// COUPON_SOLD_OUT; QUEUE_TOKEN_REQUIRED behind a waiting room without the user's admitted token (<see cref="QueuePass"/>).</exception>
    Task<UserCouponView> IssueAsync(long userId);

    /// <summary><see cref="IssueAsync"/> with the coupon's own refusals (expired, already issued, sold out) answered as
    /// a value rather than thrown: a flash sale's late majority costs no exception. Anything else still throws.</summary>
    /// <exception cref="DomainException">COUPON_NOT_FOUND, USER_NOT_FOUND; QUEUE_TOKEN_REQUIRED behind a waiting room;
    /// a refusal found only on the second decision (another call took the last copy while the user was checked).</exception>
    Task<CouponIssue> TryIssueAsync(long userId);

    /// <returns>null when the coupon was never issued to the user.</returns>
    /// <exception cref="DomainException">COUPON_NOT_FOUND.</exception>
    Task<UserCouponView?> GetUserCouponAsync(long userId);

    /// <summary>Holds the user's coupon for the order and returns its discount; a repeat for the same order returns it again.</summary>
    /// <exception cref="DomainException">COUPON_NOT_FOUND, COUPON_NOT_USABLE (not issued to the user, used, held by
    /// another order, or expired).</exception>
    Task<long> ReserveAsync(long userId, long orderId);

    /// <summary>Marks the coupon held by the order as used; a no-op when it already is.</summary>
    /// <exception cref="DomainException">COUPON_NOT_FOUND, COUPON_NOT_USABLE (no coupon held by the order).</exception>
    Task ConfirmUseAsync(long orderId);

    /// <summary>Makes the coupon held by the order available again; a no-op when the order holds none.</summary>
    Task ReleaseAsync(long orderId);
}
