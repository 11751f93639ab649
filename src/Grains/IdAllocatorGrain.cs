using ECommerce.Grains.Abstractions.Commerce;
using ECommerce.Grains.Persistence;

namespace ECommerce.Grains;

/// <summary>Hi/lo: only the high mark is durable; every id up to it may already have been handed out.</summary>
[GenerateSerializer, Immutable]
public sealed record IdAllocatorState
{
    public const long BlockSize = 100;

    [Id(0)]
    public long ReservedUpTo { get; init; }
}

public sealed class IdAllocatorGrain([PersistentState("ids", GrainStorage.Name)] IPersistentState<IdAllocatorState> state)
    : Grain, IIdAllocatorGrain
{
    private readonly IPersistentState<IdAllocatorState> _state = state;

    // The cursor is deliberately not durable: losing it only skips the rest of a block, and it never moves backwards
    // when the runtime reloads state.
    private long _next;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _next = _state.State.ReservedUpTo + 1;
        return Task.CompletedTask;
    }

    public async Task<long> NextIdAsync()
    {
        if (_next > _state.State.ReservedUpTo)
        {
            // Persist the new high mark before any id of the block leaves the grain.
            await _state.CommitAsync(_state.State with { ReservedUpTo = _next + IdAllocatorState.BlockSize - 1 }, GrainContext);
        }

        return _next++;
    }
}
