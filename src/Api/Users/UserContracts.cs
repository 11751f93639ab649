using ECommerce.Grains.Abstractions.Commerce;

namespace ECommerce.Api.Users;

/// <param name="Password">At least 8 characters; stored only as a salted hash.</param>
public sealed record CreateUserRequest(string? Name, string? Email, string? Password);

public sealed record UserResponse(long UserId, string Name, string Email)
{
    public static UserResponse From(UserProfile profile) => new(profile.UserId, profile.Name, profile.Email);
}

public sealed record ChargeRequest(long? Amount);

public sealed record BalanceResponse(long UserId, long Balance)
{
    public static BalanceResponse From(WalletBalance wallet) => new(wallet.UserId, wallet.Balance);
}

/// <param name="Type">CHARGE, USE or REFUND.</param>
public sealed record BalanceHistoryResponse(string Type, long Amount, long BalanceAfter, long? OrderId, DateTimeOffset CreatedAt)
{
    public static BalanceHistoryResponse From(BalanceHistoryEntry entry) =>
        new(entry.Type.ToWire(), entry.Amount, entry.BalanceAfter, entry.OrderId, entry.CreatedAt);
}

/// <param name="Status">AVAILABLE, RESERVED, USED or EXPIRED.</param>
/// <param name="OrderId">The order that holds (RESERVED) or used (USED) the copy, else null.</param>
public sealed record UserCouponResponse(long CouponId, string Name, long DiscountAmount, string Status,
    DateTimeOffset IssuedAt, DateTimeOffset? UsedAt, DateTimeOffset ExpiresAt, long? OrderId)
{
    public static UserCouponResponse From(UserCouponView view) =>
        new(view.CouponId, view.Name, view.DiscountAmount, view.Status.ToWire(), view.IssuedAt, view.UsedAt, view.ExpiresAt,
            view.OrderId);
}
