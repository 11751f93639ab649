using ECommerce.Grains.Abstractions.Commerce;
using ECommerce.Grains.Persistence;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;

namespace ECommerce.Grains;

/// <summary>A user and their wallet. Group commit lets a burst on one wallet (charges, an order's debits) share writes;
/// no caller is answered before its change is stored. Reentrant for that reason: every method decides and changes
/// state with no await in between.</summary>
[Reentrant]
public sealed class UserGrain(
    [PersistentState("user", GrainStorage.Name)] IPersistentState<UserState> state,
    IOptions<GroupCommitOptions> groupCommit,
    TimeProvider timeProvider) : Grain, IUserGrain
{
    private GroupCommit<UserState> _commit = null!;

    private long UserId => this.GetPrimaryKeyLong();

    private DateTimeOffset Now => timeProvider.GetUtcNow();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _commit = new GroupCommit<UserState>(state, GrainContext, groupCommit.Value);
        return Task.CompletedTask;
    }

    public async Task<UserProfile> RegisterAsync(string name, string email, string? passwordHash = null, bool isAdmin = false)
    {
        var (validName, normalizedEmail) = UserState.ValidateRegistration(name, email);
        await _commit.WhenReadyAsync();
        if (_commit.State.IsRegistered)
        {
            return await SameRegistrationAsync(validName, normalizedEmail);
        }

        var emailGrain = GrainFactory.GetGrain<IEmailGrain>(normalizedEmail);
        await emailGrain.ClaimAsync(UserId);
        await _commit.WhenReadyAsync();
        if (_commit.State.IsRegistered)
        {
            // Another registration of this user ran during the claim.
            if (_commit.State.Email != normalizedEmail)
            {
                await emailGrain.ReleaseAsync(UserId);
            }

            return await SameRegistrationAsync(validName, normalizedEmail);
        }

        try
        {
            await _commit.CommitAsync(_commit.State.Register(validName, normalizedEmail, passwordHash, isAdmin, Now));
        }
        catch (Exception)
        {
            // The registration was not stored: free the address for the next attempt.
            await emailGrain.ReleaseAsync(UserId);
            throw;
        }

        return ToProfile(_commit.State);
    }

    public Task<UserCredentials?> GetCredentialsAsync() =>
        Task.FromResult(_commit.State.IsRegistered
            ? new UserCredentials(UserId, _commit.State.PasswordHash, _commit.State.IsAdmin)
            : null);

    public async Task ReplacePasswordHashAsync(string currentHash, string newHash)
    {
        await _commit.WhenReadyAsync();
        var user = Registered();
        await (user.PasswordHash == currentHash
            ? _commit.CommitAsync(user with { PasswordHash = newHash })
            : _commit.WhenDurableAsync());
    }

    public Task<UserProfile> GetAsync() => Task.FromResult(ToProfile(Registered()));

    public Task<bool> IsRegisteredWithAsync(string normalizedEmail) =>
        Task.FromResult(_commit.State.IsRegistered && _commit.State.Email == normalizedEmail);

    public Task<WalletBalance> GetBalanceAsync() => Task.FromResult(new WalletBalance(UserId, Registered().Balance));

    public async Task<WalletBalance> ChargeAsync(long amount, string? requestId = null)
    {
        await _commit.WhenReadyAsync();
        var change = Registered().Charge(amount, requestId, Now);
        await ApplyAsync(change);
        // The balance right after this charge; a repeat answers with the balance as it is now, as before.
        return new WalletBalance(UserId, change.Applied ? change.State.Balance : _commit.State.Balance);
    }

    public async Task<DebitResult> DebitAsync(long orderId, long amount)
    {
        await _commit.WhenReadyAsync();
        var change = Registered().Debit(orderId, amount, Now);
        await ApplyAsync(change);
        var entry = change.Entry!;
        return new DebitResult(UserId, orderId, entry.Amount, entry.BalanceAfter);
    }

    public async Task<WalletBalance> RefundAsync(long orderId)
    {
        await _commit.WhenReadyAsync();
        var change = Registered().Refund(orderId, Now);
        await ApplyAsync(change);
        return new WalletBalance(UserId, change.Applied ? change.State.Balance : _commit.State.Balance);
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
        await _commit.WhenReadyAsync();
        var user = Registered();
        await (user.CouponIds.Contains(couponId)
            ? _commit.WhenDurableAsync()
            : _commit.CommitAsync(user with { CouponIds = user.CouponIds.Add(couponId) }));
    }

    public Task<IReadOnlyList<long>> GetCouponIdsAsync() =>
        Task.FromResult<IReadOnlyList<long>>(Registered().CouponIds.ToList());

    private async Task<UserProfile> SameRegistrationAsync(string name, string normalizedEmail)
    {
        var user = _commit.State;
        if (!user.IsSameRegistration(name, normalizedEmail))
        {
            throw DomainErrors.Conflict(DomainErrors.UserAlreadyRegistered, $"User {UserId} is already registered with other data.");
        }

        await _commit.WhenDurableAsync();
        return ToProfile(user);
    }

    /// <summary>A step repeated (same request id, same order) changes nothing but still answers only once the first is stored.</summary>
    private Task ApplyAsync(WalletChange change) =>
        change.Applied ? _commit.CommitAsync(change.State) : _commit.WhenDurableAsync();

    private UserState Registered() =>
        _commit.State.IsRegistered
            ? _commit.State
            : throw DomainErrors.NotFound(DomainErrors.UserNotFound, "User", UserId);

    private UserProfile ToProfile(UserState user) => new(UserId, user.Name, user.Email, user.CreatedAt);
}
