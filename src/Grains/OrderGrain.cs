using ECommerce.Grains.Abstractions.Commerce;
using ECommerce.Grains.Abstractions.Events;
using ECommerce.Grains.Faults;
using ECommerce.Grains.Persistence;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ECommerce.Grains;

/// <summary>Runs an order's reservation, payment and expiry. The payment saga persists PAYING before touching the
/// wallet and every step on another grain is idempotent by order id, so a crash at any point resumes safely.</summary>
public sealed partial class OrderGrain(
    [PersistentState("order", GrainStorage.Name)] IPersistentState<OrderState> state,
    IOptions<OrderOptions> options,
    CrashPoints crashPoints,
    TimeProvider timeProvider,
    ILogger<OrderGrain> logger) : Grain, IOrderGrain, IRemindable
{
    private readonly ILogger _logger = logger;

    public const string PaymentTimeoutReminder = "expire";

    private readonly IPersistentState<OrderState> _state = state;
    private readonly OrderOptions _options = options.Value;

    // The reminder as last registered or read by this activation; unregistering needs it.
    private IGrainReminder? _reminder;
    private IGrainTimer? _expiryTimer;

    // Whether this activation saw the stream provider take the paid event; after a restart it is published again, and
    // the consumers drop the repeat by its event id.
    private bool _paidEventPublished;

    private long OrderId => this.GetPrimaryKeyLong();

    private DateTimeOffset Now => timeProvider.GetUtcNow();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (_state.State.IsCreating)
        {
            await ResumeCreationAsync();
        }
        else if (_state.State.Status == OrderStatus.Paying)
        {
            await ResumePaymentAsync();
        }
        else if (_state.State is { Exists: true, Status: OrderStatus.PendingPayment })
        {
            // Only a created order: an id never created (refused, or only looked up) has nothing to expire or store.
            ScheduleExpiry(_state.State);
        }
    }

    public async Task<OrderSnapshot> CreateAsync(long userId, IReadOnlyList<OrderItemRequest> items, long? couponId)
    {
        OrderPricing.ValidateItems(items);
        if (userId <= 0 || couponId <= 0)
        {
            throw DomainErrors.Validation("userId and couponId must be positive.");
        }

        var stored = _state.State;
        if (stored.Exists || stored.IsCreating)
        {
            if (!stored.IsSameRequest(userId, items, couponId))
            {
                throw DomainErrors.Conflict(DomainErrors.OrderAlreadyExists, $"Order {OrderId} already exists with other data.");
            }

            if (stored.Exists)
            {
                return ToSnapshot(stored);
            }

            // A retry of an interrupted creation finishes it: every hold is idempotent by order id. The reminder is
            // registered again in case only the intent's write had gone through.
            _reminder = await this.RegisterOrUpdateReminder(PaymentTimeoutReminder, FirstTickAfter(stored), _options.ReminderPeriod);
            return ToSnapshot(await TakeHoldsAsync());
        }

        // The user and the stock are checked side by side; USER_NOT_FOUND still wins over a stock refusal. A refusal
        // that needs no hold costs no write: most orders of a sold-out flash sale end here.
        var user = GrainFactory.GetGrain<IUserGrain>(userId).GetAsync();
        var claimed = ClaimStockAsync(userId, items);
        try
        {
            try
            {
                await Task.WhenAll(user, claimed);
            }
            catch (DomainException) when (user.IsFaulted)
            {
                await user;
            }

            // Intent and reminder first (both stored, side by side): whatever dies after this point, the reminder finds
            // the intent and finishes or releases its holds.
            var intent = OrderState.Intend(userId, items, couponId, Now, _options.PaymentTimeout);
            var reminder = this.RegisterOrUpdateReminder(PaymentTimeoutReminder, FirstTickAfter(intent), _options.ReminderPeriod);
            await Task.WhenAll(reminder, _state.CommitAsync(intent, GrainContext));
            _reminder = await reminder;
        }
        catch (Exception) when (claimed.IsCompletedSuccessfully)
        {
            // Not created: the claims go now rather than when they lapse. A stored intent is finished by the reminder.
            await DropClaimsAsync(claimed.Result);
            throw;
        }

        crashPoints.Reach(OrderCrashPoints.IntentStored);
        return ToSnapshot(await TakeHoldsAsync());
    }

    /// <summary>Holds every line's stock and the coupon for the stored intent, then stores the priced order. All or
    /// nothing: a refused hold releases the others and forgets the intent.</summary>
    private async Task<OrderState> TakeHoldsAsync()
    {
        var intent = _state.State;
        // The user's order list records the id side by side with the holds; the order is answered only after both.
        var listed = GrainFactory.GetGrain<IUserOrdersGrain>(intent.UserId).AddAsync(OrderId, intent.CreatedAt);
        // Every hold is asked for at once: the grains hold no locks, so there is no order to keep and no deadlock to
        // avoid, and each hold group-commits with the other orders' holds on that grain.
        var lines = HoldLinesAsync(intent);
        var coupon = HoldCouponAsync(intent);
        var holds = Task.WhenAll(lines, coupon);
        try
        {
            // A refusal is reported as the sequential saga did: the first refused line, else the coupon's refusal.
            await holds;
            await listed;
            var created = intent.Created(OrderPricing.Price(await lines, await coupon));
            // Not written: the stored intent and the stored holds already make this order, and a later activation
            // that finds the intent finishes it the same way (every hold repeats idempotently, at the same price).
            // Its next write (paying, cancelling, expiring) stores it whole.
            _state.State = created;
            crashPoints.Reach(OrderCrashPoints.Created);
            ScheduleExpiry(created);
            return created;
        }
        catch (Exception error)
        {
            // Every hold has settled (the try awaited them all first); the list's recording is settled too, so a
            // release's removal from the list cannot overtake it.
            await Task.WhenAny(listed);
            if (error is DomainException)
            {
                await AbandonCreationAsync();
            }

            throw;
        }
    }

    private async Task<ReservedLine[]> HoldLinesAsync(OrderState intent)
    {
        var lines = await Task.WhenAll(intent.Requested.Select(item =>
            GrainFactory.GetGrain<IProductGrain>(item.ProductId).ReserveAsync(OrderId, item.Quantity, item.OptionId)));
        crashPoints.Reach(OrderCrashPoints.ProductsHeld);
        return lines;
    }

    private async Task<long> HoldCouponAsync(OrderState intent)
    {
        if (intent.CouponId is not { } couponId)
        {
            return 0;
        }

        var discount = await GrainFactory.GetGrain<ICouponGrain>(couponId).ReserveAsync(intent.UserId, OrderId);
        crashPoints.Reach(OrderCrashPoints.CouponHeld);
        return discount;
    }

    /// <summary>Finishes a creation that a crash interrupted (or whose answer was given from memory): the holds are taken
    /// again, which repeats those already held; a refused one releases them all. A failure here is retried by the next
    /// reminder tick.</summary>
    private async Task ResumeCreationAsync()
    {
        try
        {
            await TakeHoldsAsync();
        }
        catch (DomainException)
        {
            // Released and forgotten by TakeHoldsAsync: nobody is waiting for this order.
        }
        catch (Exception error)
        {
            LogCreationDeferred(error, OrderId);
        }
    }

    /// <summary>Gives back whatever an unfinished creation held (releases are no-ops where nothing was held) and forgets
    /// its intent, so the id is as if never used.</summary>
    private async Task AbandonCreationAsync()
    {
        var intent = _state.State;
        await ReleaseHoldsAsync(intent.Requested.Select(i => i.ProductId), intent.CouponId);
        // Before the intent goes: a crash in between leaves the intent, whose retry records the id again.
        await GrainFactory.GetGrain<IUserOrdersGrain>(intent.UserId).RemoveAsync(OrderId);
        await _state.ClearStateAsync();
        await UnregisterTimeoutAsync();
    }

    /// <summary>The stock check, which also claims what passed on each product (<see cref="IProductGrain.ClaimAsync"/>):
    /// the first refused line in request order is the answer, and the claims taken by then go. Returns the products
    /// that hold a claim for this order.</summary>
    private async Task<long[]> ClaimStockAsync(long userId, IReadOnlyList<OrderItemRequest> items)
    {
        var productIds = items.Select(item => item.ProductId).Distinct().ToArray();
        var claims = productIds.Select(productId => GrainFactory.GetGrain<IProductGrain>(productId)
            .ClaimAsync(OrderId, items.Where(item => item.ProductId == productId).ToList())).ToArray();
        // A product claims only when all of its lines pass on what it showed: those are the claims to let go.
        bool Claimed(int i) => claims[i].IsCompletedSuccessfully
            && items.Where(item => item.ProductId == productIds[i]).All(item => claims[i].Result.ShortageFor(item) is null);
        try
        {
            await Task.WhenAll(claims);
            var products = productIds.Zip(claims).ToDictionary(pair => pair.First, pair => pair.Second.Result);
            foreach (var item in items)
            {
                if (products[item.ProductId].ShortageFor(item) is { } shortage)
                {
                    throw shortage;
                }
            }

            // A product behind a waiting room refuses a user without an admitted Queue-Token here, before the intent and
            // its reminder are written (the flood of a gated flash sale costs no write); its hold checks again.
            foreach (var gated in products.Values.Where(p => p.BehindQueue).Select(p => p.ProductId))
            {
                await QueueGate.CheckAsync(GrainFactory, new QueueTarget(QueueKind.Products, gated), userId);
            }
        }
        catch (DomainException)
        {
            await DropClaimsAsync(productIds.Where((_, i) => Claimed(i)));
            throw;
        }

        return productIds;
    }

    private Task DropClaimsAsync(IEnumerable<long> productIds) =>
        Task.WhenAll(productIds.Select(productId => GrainFactory.GetGrain<IProductGrain>(productId).ReleaseAsync(OrderId)));

    /// <summary>The reminder's first tick: at the payment timeout, or sooner when the period is shorter, so an
    /// interrupted creation is finished or released within one period; at once for an intent already overdue.</summary>
    private TimeSpan FirstTickAfter(OrderState intent)
    {
        var untilTimeout = intent.ExpiresAt - Now;
        return untilTimeout < TimeSpan.Zero ? TimeSpan.Zero
            : untilTimeout < _options.ReminderPeriod ? untilTimeout
            : _options.ReminderPeriod;
    }

    /// <summary>An in-memory timer expires the order on the dot while this activation lives; the reminder is the
    /// durable backstop, within one period.</summary>
    private void ScheduleExpiry(OrderState created)
    {
        var due = created.ExpiresAt - Now;
        _expiryTimer?.Dispose();
        _expiryTimer = this.RegisterGrainTimer(ExpireIfOverdueAsync, due < TimeSpan.Zero ? TimeSpan.Zero : due,
            Timeout.InfiniteTimeSpan);
    }

    private async Task ExpireIfOverdueAsync(CancellationToken cancellationToken)
    {
        if (_state.State.IsOverdueAt(Now))
        {
            await ExpireAsync();
        }
    }

    public Task<OrderSnapshot> GetAsync() => Task.FromResult(ToSnapshot(Existing()));

    public async Task<PaymentResult> PayAsync(long userId, string? paymentKey = null)
    {
        var order = OwnedBy(userId);
        if (order.WasPaidUnder(paymentKey))
        {
            // The same request again (its first answer was lost): the payment it made, not ORDER_NOT_PAYABLE.
            return new PaymentResult(OrderId, order.Status, order.PayAmount, order.BalanceAfterPayment ?? 0, order.PaidAt!.Value);
        }

        if (order.IsOverdueAt(Now))
        {
            // The timeout passed before its reminder ran: expire now rather than take money for a released order.
            await ExpireAsync();
            throw DomainErrors.Conflict(DomainErrors.OrderNotPayable, $"The order expired at {order.ExpiresAt:O}.");
        }

        if (order.Status != OrderStatus.Paying)
        {
            await _state.CommitAsync(order.StartPayment(Now, paymentKey), GrainContext);
            crashPoints.Reach(OrderCrashPoints.PayingStored);
        }

        return await ContinuePaymentAsync();
    }

    public async Task<OrderSnapshot> CancelAsync(long userId)
    {
        var order = OwnedBy(userId);
        if (order.Status == OrderStatus.Cancelled)
        {
            return ToSnapshot(order);
        }

        var cancelled = order.Cancel(Now);
        await ReleaseHoldsAsync(order.Lines.Select(l => l.ProductId), order.CouponId);
        await _state.CommitAsync(cancelled, GrainContext);
        await UnregisterTimeoutAsync();
        return ToSnapshot(cancelled);
    }

    public Task<OrderPayments> GetPaymentsAsync()
    {
        var order = Existing();
        return Task.FromResult(new OrderPayments(OrderId, order.UserId, order.Payments
            .Select(p => new PaymentAttempt(p.Amount,
                p.Status == PaymentStatus.Success ? PaymentAttemptStatus.Success : PaymentAttemptStatus.Failed,
                p.FailureReason, p.CreatedAt))
            .ToList()));
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != PaymentTimeoutReminder)
        {
            return;
        }

        var order = _state.State;
        if (order.IsCreating)
        {
            // Non-reentrant: no creation runs in this activation now, so this one was interrupted by a crash.
            await ResumeCreationAsync();
        }
        else if (order.Status == OrderStatus.Paying)
        {
            await ResumePaymentAsync();
        }
        else if (order.IsOverdueAt(Now))
        {
            await ExpireAsync();
        }
        else if (order.Status == OrderStatus.Paid)
        {
            await SettlePaidEventAsync(order);
        }
        else if (!order.Exists || order.IsFinal)
        {
            await UnregisterTimeoutAsync();
        }
    }

    /// <summary>Resumes a payment interrupted by a crash; a refused debit is already recorded by the saga itself.</summary>
    private async Task ResumePaymentAsync()
    {
        try
        {
            await ContinuePaymentAsync();
        }
        catch (DomainException)
        {
            // Nobody waits for this outcome: the saga stored it (payment row and status) before throwing.
        }
    }

    private async Task<PaymentResult> ContinuePaymentAsync()
    {
        var order = _state.State;
        DebitResult debit;
        try
        {
            debit = await GrainFactory.GetGrain<IUserGrain>(order.UserId).DebitAsync(OrderId, order.PayAmount);
            crashPoints.Reach(OrderCrashPoints.Debited);
        }
        catch (DomainException refused)
        {
            // The wallet took nothing (too little balance, or any other refusal): record it and leave the order payable.
            await _state.CommitAsync(order.FailPayment()
                .WithPayment(new PaymentRecord(OrderId, order.PayAmount, PaymentStatus.Failed, refused.Code, Now)), GrainContext);
            throw;
        }

        try
        {
            // The coupon goes first: it is the only confirmation that can be refused, and nothing is confirmed yet.
            if (order.CouponId is { } couponId)
            {
                await GrainFactory.GetGrain<ICouponGrain>(couponId).ConfirmUseAsync(OrderId);
                crashPoints.Reach(OrderCrashPoints.CouponUsed);
            }
        }
        catch (DomainException refused)
        {
            await AbortPaymentAsync(order, refused);
            throw DomainErrors.Conflict(DomainErrors.OrderNotPayable,
                $"The order could not be paid ({refused.Code}); it was cancelled and refunded.");
        }

        // One confirmation per product covers all of its options in the order; the products confirm side by side
        // (none can refuse a hold it has).
        await Task.WhenAll(order.Lines.Select(l => l.ProductId).Distinct()
            .Select(productId => GrainFactory.GetGrain<IProductGrain>(productId).ConfirmAsync(OrderId)));

        crashPoints.Reach(OrderCrashPoints.StockConfirmed);

        var paidAt = Now;
        var paid = order.CompletePayment(paidAt, debit.BalanceAfter)
            .WithPayment(new PaymentRecord(OrderId, order.PayAmount, PaymentStatus.Success, null, paidAt));
        paid = paid with
        {
            PaidEvent = new OrderPaidEvent(Guid.NewGuid(), new OrderPaid(OrderId, paid.UserId, paid.Lines, paid.TotalPrice,
                paid.DiscountAmount, paid.PayAmount, paid.CouponId, paidAt)),
        };
        await _state.CommitAsync(paid, GrainContext);
        crashPoints.Reach(OrderCrashPoints.PaidStored);
        // The reminder is dropped by its next tick: the answer need not wait for that write.
        await PublishPaidEventAsync(paid, dropReminder: false);
        return new PaymentResult(OrderId, paid.Status, paid.PayAmount, debit.BalanceAfter, paidAt);
    }

    /// <summary>Publishes the stored event on the paid-orders stream (once per activation), then drops the reminder if
    /// asked. A durable provider answers once it has stored the event. A failure here leaves the reminder, whose next
    /// tick publishes again: the payment itself is committed and its caller is not failed.</summary>
    private async Task PublishPaidEventAsync(OrderState paid, bool dropReminder)
    {
        try
        {
            if (!_paidEventPublished && paid.PaidEvent is { } paidEvent)
            {
                await this.GetStreamProvider(OrderStreams.Provider)
                    .GetStream<OrderPaidEvent>(StreamId.Create(OrderStreams.PaidNamespace, OrderStreams.PaidKey))
                    .OnNextAsync(paidEvent);
                _paidEventPublished = true;
                crashPoints.Reach(OrderCrashPoints.EventPublished);
            }

            if (dropReminder)
            {
                await UnregisterTimeoutAsync();
            }
        }
        catch (Exception error)
        {
            LogPublishDeferred(error, OrderId);
        }
    }

    /// <summary>A paid order's tick. A durable stream has the event once it took it, so the reminder goes after that. A
    /// stream that keeps events in memory may lose one with its process: the reminder then stays until both consumers
    /// have stored the event, and each tick before that publishes it again (they drop repeats by its id).</summary>
    private async Task SettlePaidEventAsync(OrderState paid)
    {
        if (!_options.KeepPaidEventUntilConsumed || paid.PaidEvent is not { } paidEvent)
        {
            // The stream may not have taken the event before a crash; publishing it again is harmless.
            await PublishPaidEventAsync(paid, dropReminder: true);
            return;
        }

        var counted = GrainFactory.GetGrain<IProductRankingGrain>(IProductRankingGrain.Key)
            .HasCountedAsync(paidEvent.EventId, paidEvent.Order.OrderId, paidEvent.Order.PaidAt);
        var taken = GrainFactory.GetGrain<IDataPlatformGrain>(IDataPlatformGrain.Key).HasTakenAsync(paidEvent.EventId);
        await Task.WhenAll(counted, taken);
        if (counted.Result && taken.Result)
        {
            await UnregisterTimeoutAsync();
            return;
        }

        _paidEventPublished = false;
        await PublishPaidEventAsync(paid, dropReminder: false);
    }

    private async Task UnregisterTimeoutAsync()
    {
        var reminder = _reminder ?? await this.GetReminder(PaymentTimeoutReminder);
        if (reminder is not null)
        {
            await this.UnregisterReminder(reminder);
        }

        _reminder = null;
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "The interrupted creation of order {OrderId} could not be finished yet; the order's reminder retries it.")]
    private partial void LogCreationDeferred(Exception error, long orderId);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "The paid event of order {OrderId} is not on the stream yet; the order's reminder publishes it again.")]
    private partial void LogPublishDeferred(Exception error, long orderId);

    private async Task AbortPaymentAsync(OrderState order, DomainException reason)
    {
        await GrainFactory.GetGrain<IUserGrain>(order.UserId).RefundAsync(OrderId);
        await ReleaseHoldsAsync(order.Lines.Select(l => l.ProductId), order.CouponId);
        await _state.CommitAsync(order.AbortPayment(Now)
            .WithPayment(new PaymentRecord(OrderId, order.PayAmount, PaymentStatus.Failed, reason.Code, Now)), GrainContext);
        await UnregisterTimeoutAsync();
    }

    private async Task ExpireAsync()
    {
        var expired = _state.State.Expire(Now);
        await ReleaseHoldsAsync(expired.Lines.Select(l => l.ProductId), expired.CouponId);
        await _state.CommitAsync(expired, GrainContext);
        await UnregisterTimeoutAsync();
    }

    /// <summary>Releases side by side; each release is a no-op where this order holds nothing.</summary>
    private Task ReleaseHoldsAsync(IEnumerable<long> productIds, long? couponId) =>
        Task.WhenAll(productIds.Distinct()
            .Select(productId => GrainFactory.GetGrain<IProductGrain>(productId).ReleaseAsync(OrderId))
            .Concat(couponId is { } id ? [GrainFactory.GetGrain<ICouponGrain>(id).ReleaseAsync(OrderId)] : []));

    private OrderState Existing() =>
        _state.State.Exists ? _state.State : throw DomainErrors.NotFound(DomainErrors.OrderNotFound, "Order", OrderId);

    /// <summary>Another user's order answers exactly like a missing one, so ids cannot be probed.</summary>
    private OrderState OwnedBy(long userId) =>
        _state.State.Exists && _state.State.UserId == userId
            ? _state.State
            : throw DomainErrors.NotFound(DomainErrors.OrderNotFound, "Order", OrderId);

    private OrderSnapshot ToSnapshot(OrderState order) =>
        new(OrderId, order.UserId, order.Status, order.Lines, order.TotalPrice, order.DiscountAmount,
            order.PayAmount, order.CouponId, order.CreatedAt, order.ExpiresAt, order.PaidAt, order.ClosedAt);
}
