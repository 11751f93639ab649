using ECommerce.Grains.Abstractions.Commerce;
using ECommerce.Grains.Faults;
using ECommerce.Grains.Persistence;

namespace ECommerce.Grains;

/// <summary>Non-reentrant: a checkout runs alone, and any call first finishes a checkout that a crash interrupted.</summary>
public sealed class CartGrain(
    [PersistentState("cart", GrainStorage.Name)] IPersistentState<CartState> state,
    CrashPoints crashPoints) : Grain, ICartGrain
{
    private readonly IPersistentState<CartState> _state = state;

    private long UserId => this.GetPrimaryKeyLong();

    public async Task<CartContents> GetAsync()
    {
        await SettlePendingAsync();
        return Contents();
    }

    public async Task<CartContents> SetItemAsync(long optionId, long productId, int quantity)
    {
        await SettlePendingAsync();
        var next = _state.State.Set(optionId, productId, quantity);
        if (next != _state.State)
        {
            await _state.CommitAsync(next, GrainContext);
        }

        return Contents();
    }

    public async Task<CartContents> RemoveItemAsync(long optionId)
    {
        await SettlePendingAsync();
        var next = _state.State.Remove(optionId);
        if (next.Lines.Count != _state.State.Lines.Count)
        {
            await _state.CommitAsync(next, GrainContext);
        }

        return Contents();
    }

    public async Task<OrderSnapshot> CheckoutAsync(long orderId, long? couponId)
    {
        if (orderId <= 0 || couponId <= 0)
        {
            throw DomainErrors.Validation("orderId and couponId must be positive.");
        }

        if (_state.State.Pending is { } pending && pending.OrderId == orderId)
        {
            return await FinishAsync(pending);
        }

        if (_state.State.LastOrderId == orderId)
        {
            // A retry of the checkout that created this order (its answer was lost): that order, not CART_EMPTY.
            return await GrainFactory.GetGrain<IOrderGrain>(orderId).GetAsync();
        }

        await SettlePendingAsync();
        var started = _state.State.StartCheckout(orderId, couponId);
        await _state.CommitAsync(started, GrainContext);
        crashPoints.Reach(CartCrashPoints.PendingStored);
        return await FinishAsync(started.Pending!);
    }

    /// <summary>Asks the order grain for the stored checkout's order (a repeat of the same creation is answered with the
    /// order it made, or finishes an interrupted one), then empties the cart or forgets the checkout.</summary>
    private async Task<OrderSnapshot> FinishAsync(PendingCheckout pending)
    {
        OrderSnapshot order;
        try
        {
            order = await GrainFactory.GetGrain<IOrderGrain>(pending.OrderId).CreateAsync(UserId, pending.Items, pending.CouponId);
        }
        catch (DomainException)
        {
            await _state.CommitAsync(_state.State.CheckoutRefused(), GrainContext);
            throw;
        }

        crashPoints.Reach(CartCrashPoints.OrderCreated);
        await _state.CommitAsync(_state.State.CheckedOut(), GrainContext);
        return order;
    }

    private async Task SettlePendingAsync()
    {
        if (_state.State.Pending is not { } pending)
        {
            return;
        }

        try
        {
            await FinishAsync(pending);
        }
        catch (DomainException)
        {
            // Refused: FinishAsync left the cart as it was; nobody waits for that answer any more.
        }
    }

    private CartContents Contents() => new(_state.State.Lines);
}
