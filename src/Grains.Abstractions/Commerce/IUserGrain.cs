
using Orleans.Concurrency;

namespace ECommerce.Grains.Abstractions.Commerce;

[GenerateSerializer, Immutable]
public sealed record UserProfile(long UserId, string Name, string Email, DateTimeOffset CreatedAt);

[GenerateSerializer, Immutable]
public sealed record WalletBalance(long UserId, long Balance);

/// <summary>What signing in needs: the salted password hash (never shown by an endpoint) and the roles.</summary>
[GenerateSerializer, Immutable]
public sealed record UserCredentials(long UserId, string? PasswordHash, bool IsAdmin);

[GenerateSerializer, Immutable]
public sealed record DebitResult(long UserId, long OrderId, long Amount, long BalanceAfter);

public enum BalanceTransactionType
{
    Charge,
    Use,
    Refund,
}

[GenerateSerializer, Immutable]
public sealed record BalanceHistoryEntry(
    BalanceTransactionType Type, long Amount, long BalanceAfter, long? OrderId, DateTimeOffset CreatedAt);

/// <summary>A user and their wallet, keyed by user id. Calls only <see cref="IEmailGrain"/>, never a coupon or
/// order grain, so the call graph stays acyclic.</summary>
public interface IUserGrain : IGrainWithIntegerKey
{
    /// <summary>Registers the user and claims the email; repeating it with the same name and email returns the same
    /// profile and keeps the first password hash and role. Without a hash the account cannot sign in.</summary>
    /// <exception cref="DomainException">VALIDATION_FAILED, EMAIL_TAKEN, USER_ALREADY_REGISTERED (other data).</exception>
    Task<UserProfile> RegisterAsync(string name, string email, string? passwordHash = null, bool isAdmin = false);

    /// <summary>The stored hash and role, or null while unregistered.</summary>
    Task<UserCredentials?> GetCredentialsAsync();

    /// <summary>Stores <paramref name="newHash"/> only while the stored hash is still <paramref name="currentHash"/> (a
    /// sign-in upgrading a hash made at a lower cost); a no-op otherwise.</summary>
    /// <exception cref="DomainException">USER_NOT_FOUND.</exception>
    Task ReplacePasswordHashAsync(string currentHash, string newHash);

    /// <exception cref="DomainException">USER_NOT_FOUND.</exception>
    Task<UserProfile> GetAsync();

    /// <summary>Whether this user's stored registration holds the address. Asked by <see cref="IEmailGrain"/> while
    /// this user may itself be waiting on that email grain, hence interleaved.</summary>
    [AlwaysInterleave]
    Task<bool> IsRegisteredWithAsync(string normalizedEmail);

    /// <exception cref="DomainException">USER_NOT_FOUND.</exception>
    Task<WalletBalance> GetBalanceAsync();

    /// <summary>Adds 1..10,000,000 KRW; the balance may not pass 1,000,000,000. A repeated
    /// <paramref name="requestId"/> returns the first outcome without charging again.</summary>
    /// <exception cref="DomainException">USER_NOT_FOUND, INVALID_AMOUNT, BALANCE_LIMIT_EXCEEDED.</exception>
    Task<WalletBalance> ChargeAsync(long amount, string? requestId = null);

    /// <summary>Takes <paramref name="amount"/> (0 allowed) for an order, at most once per order: a retry returns
    /// the first successful outcome. A failed debit is not remembered, so the order may retry after a charge.</summary>
    /// <exception cref="DomainException">USER_NOT_FOUND, INVALID_AMOUNT, BALANCE_INSUFFICIENT.</exception>
    Task<DebitResult> DebitAsync(long orderId, long amount);

    /// <summary>Gives back what <see cref="DebitAsync"/> took for the order, at most once; a no-op when nothing was taken.</summary>
    /// <exception cref="DomainException">USER_NOT_FOUND.</exception>
    Task<WalletBalance> RefundAsync(long orderId);

    /// <summary>Newest first.</summary>
    /// <exception cref="DomainException">USER_NOT_FOUND.</exception>
    Task<IReadOnlyList<BalanceHistoryEntry>> GetHistoryAsync();

    /// <summary>Stores that a coupon is being issued to this user (idempotent). Called by the coupon grain before it
    /// issues, so the user's list is never missing an issued coupon; it may name one that then refused.</summary>
    /// <exception cref="DomainException">USER_NOT_FOUND.</exception>
    Task AddCouponAsync(long couponId);

    /// <summary>Ids of coupons issued to this user; ask each <see cref="ICouponGrain.GetUserCouponAsync"/> for details.</summary>
    /// <exception cref="DomainException">USER_NOT_FOUND.</exception>
    Task<IReadOnlyList<long>> GetCouponIdsAsync();
}
