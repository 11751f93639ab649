using ECommerce.Grains.Abstractions.Commerce;
using ECommerce.Grains.Abstractions.Runtime;

namespace ECommerce.Grains;

public sealed class UserGrain([PersistentState("user")] IPersistentState<UserState> state) : Grain, IUserGrain
{
    private readonly IPersistentState<UserState> _state = state;

    private long UserId => GetPrimaryKeyLong();

    private DateTimeOffset Now => TimeProvider.GetUtcNow();

    public async Task<UserProfile> RegisterAsync(string name, string email)
    {
        var (validName, normalizedEmail) = UserState.ValidateRegistration(name, email);
        if (_state.State.IsRegistered)
        {
            return _state.State.IsSameRegistration(validName, normalizedEmail)
                ? ToProfile(_state.State)
                : throw DomainErrors.Conflict(DomainErrors.UserAlreadyRegistered,
                    $"User {UserId} is already registered with other data.");
        }

        var emailGrain = GrainFactory.GetGrain<IEmailGrain>(normalizedEmail);
        await emailGrain.ClaimAsync(UserId);
        try
        {
            await _state.CommitAsync(_state.State.Register(validName, normalizedEmail, Now));
        }
        catch (Exception)
        {
            // The user row (the durable claim) was not written: free the address for the next attempt.
            await emailGrain.ReleaseAsync(UserId);
            throw;
        }

        return ToProfile(_state.State);
    }

    public Task<UserProfile> GetAsync() => Task.FromResult(ToProfile(Registered()));

    public Task<WalletBalance> GetBalanceAsync() => Task.FromResult(new WalletBalance(UserId, Registered().Balance));

    public async Task<WalletBalance> ChargeAsync(long amount, string? requestId = null)
    {
        await ApplyAsync(Registered().Charge(amount, requestId, Now));
        return new WalletBalance(UserId, _state.State.Balance);
    }

    public async Task<DebitResult> DebitAsync(long orderId, long amount)
    {
        var change = Registered().Debit(orderId, amount, Now);
        await ApplyAsync(change);
        var entry = change.Entry!;
        return new DebitResult(UserId, orderId, entry.Amount, entry.BalanceAfter);
    }

    public async Task<WalletBalance> RefundAsync(long orderId)
    {
        await ApplyAsync(Registered().Refund(orderId, Now));
        return new WalletBalance(UserId, _state.State.Balance);
    }

    public Task<IReadOnlyList<BalanceHistoryEntry>> GetHistoryAsync()
    {
        IReadOnlyList<BalanceHistoryEntry> history = Registered().History
            .Reverse()
            .Select(e => new BalanceHistoryEntry(e.Type, e.Amount, e.BalanceAfter, e.OrderId, e.CreatedAt))
            .ToList();
        return Task.FromResult(history);
    }

    public Task AddCouponAsync(long couponId)
    {
        // Kept in memory only: user_coupon rows (written by the coupon grain) are reloaded on activation.
        _state.State = Registered() with { CouponIds = _state.State.CouponIds.Add(couponId) };
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<long>> GetCouponIdsAsync() =>
        Task.FromResult<IReadOnlyList<long>>(Registered().CouponIds.ToList());

    private async Task ApplyAsync(WalletChange change)
    {
        if (!change.Applied)
        {
            return;
        }

        _state.Append(change.Entry!);
        await _state.CommitAsync(change.State);
    }

    private UserState Registered() =>
        _state.State.IsRegistered ? _state.State : throw DomainErrors.NotFound(DomainErrors.UserNotFound, "User", UserId);

    private UserProfile ToProfile(UserState user) => new(UserId, user.Name, user.Email, user.CreatedAt);
}
