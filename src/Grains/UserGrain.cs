using ECommerce.Grains.Abstractions.Commerce;
using ECommerce.Grains.Persistence;

namespace ECommerce.Grains;

public sealed class UserGrain(
    [PersistentState("user", GrainStorage.Name)] IPersistentState<UserState> state,
    TimeProvider timeProvider) : Grain, IUserGrain
{
    private readonly IPersistentState<UserState> _state = state;

    private long UserId => this.GetPrimaryKeyLong();

    private DateTimeOffset Now => timeProvider.GetUtcNow();

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
            await _state.CommitAsync(_state.State.Register(validName, normalizedEmail, Now), GrainContext);
        }
        catch (Exception)
        {
            // The registration was not stored: free the address for the next attempt.
            await emailGrain.ReleaseAsync(UserId);
            throw;
        }

        return ToProfile(_state.State);
    }

    public Task<UserProfile> GetAsync() => Task.FromResult(ToProfile(Registered()));

    public Task<bool> IsRegisteredWithAsync(string normalizedEmail) =>
        Task.FromResult(_state.State.IsRegistered && _state.State.Email == normalizedEmail);

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

    public async Task AddCouponAsync(long couponId)
    {
        var user = Registered();
        if (!user.CouponIds.Contains(couponId))
        {
            await _state.CommitAsync(user with { CouponIds = user.CouponIds.Add(couponId) }, GrainContext);
        }
    }

    public Task<IReadOnlyList<long>> GetCouponIdsAsync() =>
        Task.FromResult<IReadOnlyList<long>>(Registered().CouponIds.ToList());

    private async Task ApplyAsync(WalletChange change)
    {
        if (change.Applied)
        {
            await _state.CommitAsync(change.State, GrainContext);
        }
    }

    private UserState Registered() =>
        _state.State.IsRegistered ? _state.State : throw DomainErrors.NotFound(DomainErrors.UserNotFound, "User", UserId);

    private UserProfile ToProfile(UserState user) => new(UserId, user.Name, user.Email, user.CreatedAt);
}
