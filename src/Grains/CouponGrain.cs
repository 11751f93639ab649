using ECommerce.Grains.Abstractions.Commerce;
using ECommerce.Grains.Abstractions.Runtime;

namespace ECommerce.Grains;

/// <summary>Group commit lets a first-come burst share writes; no caller is answered before its copy is stored.</summary>
[GroupCommit]
public sealed class CouponGrain([PersistentState("coupon")] IPersistentState<CouponState> state)
    : Grain, ICouponGrain
{
    private readonly IPersistentState<CouponState> _state = state;

    private long CouponId => GetPrimaryKeyLong();

    private DateTimeOffset Now => TimeProvider.GetUtcNow();

    public async Task<CouponSnapshot> CreateAsync(string name, long discountAmount, int totalQuantity,
        DateTimeOffset expiresAt)
    {
        if (_state.State.Exists)
        {
            var requested = CouponState.Create(name, discountAmount, totalQuantity, expiresAt, _state.State.CreatedAt);
            return _state.State.IsSameCoupon(requested)
                ? ToSnapshot(_state.State)
                : throw DomainErrors.Conflict(DomainErrors.CouponAlreadyExists,
                    $"Coupon {CouponId} already exists with other data.");
        }

        var created = CouponState.Create(name, discountAmount, totalQuantity, expiresAt, Now);
        await _state.CommitAsync(created);
        return ToSnapshot(created);
    }

    public Task<CouponSnapshot> GetAsync() => Task.FromResult(ToSnapshot(Existing()));

    public async Task<UserCouponView> IssueAsync(long userId)
    {
        var change = Existing().Issue(userId, Now);
        // Throws USER_NOT_FOUND before anything is issued; the user grain never calls a coupon, so no cycle.
        await GrainFactory.GetGrain<IUserGrain>(userId).AddCouponAsync(CouponId);
        await ApplyAsync(change);
        return ToView(change.Record!);
    }

    public Task<UserCouponView?> GetUserCouponAsync(long userId) =>
        Task.FromResult<UserCouponView?>(Existing().Issued.TryGetValue(userId, out var copy) ? ToView(copy) : null);

    public async Task<long> ReserveAsync(long userId, long orderId)
    {
        var (change, discount) = Existing().Reserve(userId, orderId, Now);
        await ApplyAsync(change);
        return discount;
    }

    public Task ConfirmUseAsync(long orderId) => ApplyAsync(Existing().ConfirmUse(orderId, Now));

    public Task ReleaseAsync(long orderId) =>
        _state.State.Exists ? ApplyAsync(_state.State.Release(orderId)) : Task.CompletedTask;

    private async Task ApplyAsync(CouponChange change)
    {
        if (change.Record is null)
        {
            return;
        }

        _state.Append(change.Record);
        await _state.CommitAsync(change.State);
    }

    private CouponState Existing() =>
        _state.State.Exists
            ? _state.State
            : throw DomainErrors.NotFound(DomainErrors.CouponNotFound, "Coupon", CouponId);

    private CouponSnapshot ToSnapshot(CouponState coupon) =>
        new(CouponId, coupon.Name, coupon.DiscountAmount, coupon.TotalQuantity, coupon.Issued.Count, coupon.Remaining,
            coupon.ExpiresAt, coupon.CreatedAt);

    private UserCouponView ToView(UserCoupon copy)
    {
        var coupon = _state.State;
        return new UserCouponView(CouponId, copy.UserId, coupon.Name, coupon.DiscountAmount,
            coupon.StatusOf(copy, Now), copy.IssuedAt, copy.UsedAt, coupon.ExpiresAt, copy.OrderId);
    }
}
