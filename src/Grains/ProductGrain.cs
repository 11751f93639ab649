using ECommerce.Grains.Abstractions.Commerce;
using ECommerce.Grains.Abstractions.Runtime;

namespace ECommerce.Grains;

/// <summary>Group commit lets a burst of reservations share one write without answering any caller early.</summary>
[GroupCommit]
public sealed class ProductGrain([PersistentState("product")] IPersistentState<ProductState> state)
    : Grain, IProductGrain
{
    private readonly IPersistentState<ProductState> _state = state;

    private long ProductId => GetPrimaryKeyLong();

    private DateTimeOffset Now => TimeProvider.GetUtcNow();

    public async Task<ProductSnapshot> CreateAsync(string name, long price, int stock)
    {
        var created = ProductState.Create(name, price, stock, Now);
        if (_state.State.Exists)
        {
            return _state.State.IsSameProduct(created)
                ? ToSnapshot(_state.State)
                : throw DomainErrors.Conflict(DomainErrors.ProductAlreadyExists,
                    $"Product {ProductId} already exists with other data.");
        }

        // Group commit persists this after the turn, so the catalog is told by the caller once this call has answered.
        await _state.CommitAsync(created);
        return ToSnapshot(created);
    }

    public Task<ProductSnapshot> GetAsync() => Task.FromResult(ToSnapshot(Existing()));

    public async Task<ProductSnapshot> AdjustStockAsync(int delta)
    {
        var adjusted = Existing().AdjustStock(delta);
        if (delta != 0)
        {
            await _state.CommitAsync(adjusted);
        }

        return ToSnapshot(adjusted);
    }

    public async Task<ReservedLine> ReserveAsync(long orderId, int quantity)
    {
        await ApplyAsync(Existing().Reserve(orderId, quantity, Now));
        var product = _state.State;
        return new ReservedLine(ProductId, product.Name, product.Price, product.Reservations[orderId]);
    }

    public Task ReleaseAsync(long orderId) =>
        _state.State.Exists ? ApplyAsync(_state.State.Release(orderId, Now)) : Task.CompletedTask;

    public Task ConfirmAsync(long orderId) => ApplyAsync(Existing().Confirm(orderId, Now));

    private async Task ApplyAsync(ProductChange change)
    {
        if (change.Record is null)
        {
            return;
        }

        _state.Append(change.Record);
        await _state.CommitAsync(change.State);
    }

    private ProductState Existing() =>
        _state.State.Exists
            ? _state.State
            : throw DomainErrors.NotFound(DomainErrors.ProductNotFound, "Product", ProductId);

    private ProductSnapshot ToSnapshot(ProductState product) =>
        new(ProductId, product.Name, product.Price, product.Stock, product.CreatedAt);
}
