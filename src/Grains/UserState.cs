using System.Collections.Immutable;
using ECommerce.Grains.Abstractions.Commerce;

namespace ECommerce.Grains;

/// <summary>One wallet movement.</summary>
[GenerateSerializer, Immutable]
public sealed record BalanceEntry(BalanceTransactionType Type, long Amount, long BalanceAfter, long? OrderId,
    string? RequestId, DateTimeOffset CreatedAt);

/// <summary>The outcome of a wallet step: <see cref="Applied"/> is false when it repeats an earlier one.</summary>
public sealed record WalletChange(UserState State, BalanceEntry? Entry, bool Applied);

/// <summary>A user and their wallet. <see cref="History"/> is oldest first and is the wallet's idempotency memory:
/// debits are keyed by order id, charges by request id.</summary>
[GenerateSerializer, Immutable]
public sealed record UserState
{
    public const long MinCharge = 1;
    public const long MaxCharge = 10_000_000;
    public const long MaxBalance = 1_000_000_000;
    public const int MaxNameLength = 50;
    public const int MaxEmailLength = 254;

    [Id(0)]
    public string Name { get; init; } = "";

    /// <summary>Normalized (see <see cref="IEmailGrain.Normalize"/>); empty while unregistered.</summary>
    [Id(1)]
    public string Email { get; init; } = "";

    [Id(2)]
    public DateTimeOffset CreatedAt { get; init; }

    [Id(3)]
    public long Balance { get; init; }

    [Id(4)]
    public ImmutableList<BalanceEntry> History { get; init; } = [];

    /// <summary>Coupons the user asked for; stored before the coupon issues, so it may name a coupon that then refused
    /// (sold out): the coupon grain's copy is the truth.</summary>
    [Id(5)]
    public ImmutableSortedSet<long> CouponIds { get; init; } = [];

    /// <summary>A salted hash made at the HTTP edge; null for an account that cannot sign in.</summary>
    [Id(6)]
    public string? PasswordHash { get; init; }

    [Id(7)]
    public bool IsAdmin { get; init; }

    public bool IsRegistered => Email.Length > 0;

    public static (string Name, string Email) ValidateRegistration(string? name, string? email)
    {
        var trimmedName = DomainText.Name(name, MaxNameLength);

        var normalized = IEmailGrain.Normalize(email ?? "");
        var at = normalized.IndexOf('@');
        // Deliberately loose: one '@' with text on both sides and a dot in the domain.
        if (normalized.Length > MaxEmailLength || at <= 0 || at != normalized.LastIndexOf('@')
            || normalized.IndexOf('.', at) < at + 2 || normalized.EndsWith('.') || normalized.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            throw DomainErrors.Validation("email is not a valid address.");
        }

        return (trimmedName, normalized);
    }

    public bool IsSameRegistration(string name, string normalizedEmail) => Name == name && Email == normalizedEmail;

    public UserState Register(string name, string normalizedEmail, string? passwordHash, bool isAdmin, DateTimeOffset now) =>
        this with { Name = name, Email = normalizedEmail, PasswordHash = passwordHash, IsAdmin = isAdmin, CreatedAt = now };

    public WalletChange Charge(long amount, string? requestId, DateTimeOffset now)
    {
        if (requestId is not null && History.FindLast(e => e.RequestId == requestId) is { } earlier)
        {
            return new WalletChange(this, earlier, Applied: false);
        }

        if (amount is < MinCharge or > MaxCharge)
        {
            throw DomainErrors.InvalidAmountOf(amount, MinCharge, MaxCharge);
        }

        if (Balance + amount > MaxBalance)
        {
            throw DomainErrors.Conflict(DomainErrors.BalanceLimitExceeded,
                $"Charging {amount} would make the balance {Balance + amount}, over the limit of {MaxBalance}.");
        }

        return Apply(new BalanceEntry(BalanceTransactionType.Charge, amount, Balance + amount, null, requestId, now));
    }

    public WalletChange Debit(long orderId, long amount, DateTimeOffset now)
    {
        if (FindForOrder(orderId, BalanceTransactionType.Use) is { } earlier)
        {
            return new WalletChange(this, earlier, Applied: false);
        }

        if (amount is < 0 or > MaxBalance)
        {
            throw DomainErrors.InvalidAmountOf(amount, 0, MaxBalance);
        }

        if (amount > Balance)
        {
            throw DomainErrors.Conflict(DomainErrors.BalanceInsufficient,
                $"The balance {Balance} does not cover {amount}.");
        }

        return Apply(new BalanceEntry(BalanceTransactionType.Use, amount, Balance - amount, orderId, null, now));
    }

    public WalletChange Refund(long orderId, DateTimeOffset now)
    {
        if (FindForOrder(orderId, BalanceTransactionType.Use) is not { } debit
            || FindForOrder(orderId, BalanceTransactionType.Refund) is not null)
        {
            return new WalletChange(this, null, Applied: false);
        }

        // A refund gives back money already owed, so it is not held to the charge cap.
        return Apply(new BalanceEntry(BalanceTransactionType.Refund, debit.Amount, Balance + debit.Amount, orderId,
            null, now));
    }

    private BalanceEntry? FindForOrder(long orderId, BalanceTransactionType type) =>
        History.FindLast(e => e.OrderId == orderId && e.Type == type);

    private WalletChange Apply(BalanceEntry entry) =>
        new(this with { Balance = entry.BalanceAfter, History = History.Add(entry) }, entry, Applied: true);
}
