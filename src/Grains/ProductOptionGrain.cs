using ECommerce.Grains.Abstractions.Commerce;
using ECommerce.Grains.Persistence;

namespace ECommerce.Grains;

[GenerateSerializer, Immutable]
public sealed record ProductOptionIndexState
{
    [Id(0)]
    public long ProductId { get; init; }
}

public sealed class ProductOptionGrain(
    [PersistentState("product-option", GrainStorage.Name)] IPersistentState<ProductOptionIndexState> state)
    : Grain, IProductOptionGrain
{
    private readonly IPersistentState<ProductOptionIndexState> _state = state;

    public async Task AssignAsync(long productId)
    {
        if (productId <= 0)
        {
            throw DomainErrors.Validation("productId must be positive.");
        }

        if (_state.State.ProductId == productId)
        {
            return;
        }

        if (_state.State.ProductId != 0)
        {
            throw DomainErrors.Conflict(DomainErrors.ProductAlreadyExists,
                $"Option {this.GetPrimaryKeyLong()} already belongs to product {_state.State.ProductId}.");
        }

        await _state.CommitAsync(new ProductOptionIndexState { ProductId = productId }, GrainContext);
    }

    public Task<long?> GetProductIdAsync() =>
        Task.FromResult(_state.State.ProductId > 0 ? _state.State.ProductId : (long?)null);
}
