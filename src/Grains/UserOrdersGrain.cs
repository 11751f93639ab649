using ECommerce.Grains.Abstractions.Commerce;
using ECommerce.Grains.Persistence;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;

namespace ECommerce.Grains;

/// <summary>Group commit lets one user's concurrent order creations share writes; no caller is answered before its
/// entry is stored. Reentrant for that reason: every method decides and changes state with no await in between.</summary>
[Reentrant]
public sealed class UserOrdersGrain(
    [PersistentState("userOrders", GrainStorage.Name)] IPersistentState<UserOrdersState> state,
    IOptions<GroupCommitOptions> groupCommit) : Grain, IUserOrdersGrain
{
    private GroupCommit<UserOrdersState> _commit = null!;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _commit = new GroupCommit<UserOrdersState>(state, GrainContext, groupCommit.Value);
        return Task.CompletedTask;
    }

    public async Task AddAsync(long orderId, DateTimeOffset createdAt)
    {
        await _commit.WhenReadyAsync();
        var orders = _commit.State;
        await (orders.Holds(orderId, createdAt) ? _commit.WhenDurableAsync() : _commit.CommitAsync(orders.Add(orderId, createdAt)));
    }

    public async Task RemoveAsync(long orderId)
    {
        await _commit.WhenReadyAsync();
        var orders = _commit.State;
        await (orders.Orders.ContainsKey(orderId) ? _commit.CommitAsync(orders.Remove(orderId)) : _commit.WhenDurableAsync());
    }

    public async Task<OrderIdPage> GetPageAsync(int page, int size)
    {
        await _commit.WhenReadyAsync();
        return _commit.State.Page(page, size);
    }
}
