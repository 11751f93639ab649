using ECommerce.Grains.Abstractions.Commerce;
using ECommerce.Grains.Persistence;

namespace ECommerce.Grains;

public sealed class CatalogGrain([PersistentState("catalog", GrainStorage.Name)] IPersistentState<CatalogState> state)
    : Grain, ICatalogGrain
{
    private readonly IPersistentState<CatalogState> _state = state;

    public async Task AddAsync(CatalogItem item)
    {
        if (_state.State.Items.ContainsKey(item.ProductId))
        {
            return;
        }

        await _state.CommitAsync(_state.State.Add(item), GrainContext);
    }

    public async Task UpdateAsync(CatalogItem item)
    {
        if (_state.State.Items.TryGetValue(item.ProductId, out var known) && known.ListsLike(item))
        {
            return;
        }

        await _state.CommitAsync(_state.State.Add(item), GrainContext);
    }

    public Task<CatalogPage> SearchAsync(CatalogQuery query) => Task.FromResult(_state.State.Search(query));
}
