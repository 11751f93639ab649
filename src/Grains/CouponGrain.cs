using ECommerce.Grains.Abstractions.Commerce;
using ECommerce.Grains.Persistence;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;

namespace ECommerce.Grains;

/// <summary>Group commit lets a first-come burst share writes; no caller is answered before its copy is stored.
/// Reentrant for that reason: every method decides and changes state with no await in between.</summary>
[Reentrant]
public sealed partial class CouponGrain(
    [PersistentState("coupon", GrainStorage.Name)] IPersistentState<CouponState> state,
    [PersistentState("coupon-queue-gate", GrainStorage.Name)] IPersistentState<QueueGateState> queueGate,
    IOptions<GroupCommitOptions> groupCommit,
    TimeProvider timeProvider,
    ILogger<CouponGrain> logger) : Grain, ICouponGrain
{
    private readonly ILogger _logger = logger;

    private GroupCommit<CouponState> _commit = null!;
    private QueueGate _queueGate = null!;

    private long CouponId => this.GetPrimaryKeyLong();

    private DateTimeOffset Now => timeProvider.GetUtcNow();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _commit = new GroupCommit<CouponState>(state, GrainContext, groupCommit.Value);
        if (_commit.State.Exists)
        {
            // Repairs a listing or a sold-out note that a crash kept from the directory; off the activation's path.
            _ = TellDirectoryAsync(_commit.State);
        }

        _queueGate = new QueueGate(queueGate, GrainContext, groupCommit.Value, GrainFactory,
            new QueueTarget(QueueKind.Coupons, CouponId));
        return Task.CompletedTask;
    }

    public async Task<CouponSnapshot> CreateAsync(string name, long discountAmount, int totalQuantity,
        DateTimeOffset expiresAt)
    {
        await _commit.WhenReadyAsync();
        var coupon = _commit.State;
        if (coupon.Exists)
        {
            var requested = CouponState.Create(name, discountAmount, totalQuantity, expiresAt, coupon.CreatedAt);
            if (!coupon.IsSameCoupon(requested))
            {
                throw DomainErrors.Conflict(DomainErrors.CouponAlreadyExists, $"Coupon {CouponId} already exists with other data.");
            }

            await _commit.WhenDurableAsync();
            await GrainFactory.GetGrain<ICouponDirectoryGrain>(ICouponDirectoryGrain.Key).ListAsync(ToListing(coupon));
            return ToSnapshot(coupon);
        }

        var created = CouponState.Create(name, discountAmount, totalQuantity, expiresAt, Now);
        await _commit.CommitAsync(created);
        // Listed only once stored, so the directory never shows a coupon that does not exist.
        await GrainFactory.GetGrain<ICouponDirectoryGrain>(ICouponDirectoryGrain.Key).ListAsync(ToListing(created));
        return ToSnapshot(created);
    }

    public Task<CouponSnapshot> GetAsync() => Task.FromResult(ToSnapshot(Existing()));

    public async Task<UserCouponView> IssueAsync(long userId)
    {
        var outcome = await TryIssueAsync(userId);
        return outcome.Issued ?? throw outcome.Refusal!;
    }

    public async Task<CouponIssue> TryIssueAsync(long userId)
    {
        await _commit.WhenReadyAsync();
        // Behind a waiting room nothing is answered without the caller's admitted Queue-Token (checked first).
        var passedQueue = await _queueGate.PassAsync(userId);
        // A refusal (sold out, already issued, expired) costs no call to the user, and is answered, not thrown.
        if (Existing().IssueRefusalFor(userId, Now) is { } refusal)
        {
            return new CouponIssue(null, refusal);
        }

        // USER_NOT_FOUND before anything is issued; the user grain never calls a coupon, so no cycle.
        await GrainFactory.GetGrain<IUserGrain>(userId).AddCouponAsync(CouponId);
        await _commit.WhenReadyAsync();
        // Decided again: other calls ran during the await. Check and change happen here, with no await between.
        _queueGate.EnsurePassed(passedQueue);
        var change = Existing().Issue(userId, Now);
        await _commit.CommitAsync(change.State);
        if (change.State.Remaining == 0)
        {
            // The last copy is stored: the directory stops listing the coupon as open, without delaying this answer.
            _ = TellDirectoryAsync(change.State);
        }

        return new CouponIssue(ToView(change.State, change.Record!), null);
    }

    public Task<UserCouponView?> GetUserCouponAsync(long userId)
    {
        var coupon = Existing();
        return Task.FromResult<UserCouponView?>(coupon.Issued.TryGetValue(userId, out var copy) ? ToView(coupon, copy) : null);
    }

    public async Task<long> ReserveAsync(long userId, long orderId)
    {
        await _commit.WhenReadyAsync();
        var (change, discount) = Existing().Reserve(userId, orderId, Now);
        await ApplyAsync(change);
        return discount;
    }

    public async Task ConfirmUseAsync(long orderId)
    {
        await _commit.WhenReadyAsync();
        await ApplyAsync(Existing().ConfirmUse(orderId, Now));
    }

    public async Task ReleaseAsync(long orderId)
    {
        await _commit.WhenReadyAsync();
        if (_commit.State.Exists)
        {
            await ApplyAsync(_commit.State.Release(orderId));
        }
    }

    private async Task TellDirectoryAsync(CouponState coupon)
    {
        try
        {
            await GrainFactory.GetGrain<ICouponDirectoryGrain>(ICouponDirectoryGrain.Key).ListAsync(ToListing(coupon));
        }
        catch (Exception error)
        {
            LogDirectoryDeferred(error, CouponId);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "The coupon directory was not told of coupon {CouponId}; the coupon's next activation tells it again.")]
    private partial void LogDirectoryDeferred(Exception error, long couponId);

    private CouponListing ToListing(CouponState coupon) =>
        new(CouponId, coupon.Name, coupon.DiscountAmount, coupon.TotalQuantity, coupon.ExpiresAt, coupon.Remaining <= 0);

    public async Task SetQueueGateAsync(bool on)
    {
        await _commit.WhenReadyAsync();
        if (on || _commit.State.Exists)
        {
            _ = Existing();
            await _queueGate.SetAsync(on);
        }
    }

    private Task ApplyAsync(CouponChange change) =>
        change.Record is null ? _commit.WhenDurableAsync() : _commit.CommitAsync(change.State);

    private CouponState Existing() =>
        _commit.State.Exists
            ? _commit.State
            : throw DomainErrors.NotFound(DomainErrors.CouponNotFound, "Coupon", CouponId);

    private CouponSnapshot ToSnapshot(CouponState coupon) =>
        new(CouponId, coupon.Name, coupon.DiscountAmount, coupon.TotalQuantity, coupon.Issued.Count, coupon.Remaining,
            coupon.ExpiresAt, coupon.CreatedAt);

    private UserCouponView ToView(CouponState coupon, UserCoupon copy) =>
        new(CouponId, copy.UserId, coupon.Name, coupon.DiscountAmount, coupon.StatusOf(copy, Now), copy.IssuedAt,
            copy.UsedAt, coupon.ExpiresAt, copy.OrderId);
}
