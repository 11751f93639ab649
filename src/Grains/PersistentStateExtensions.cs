using ECommerce.Grains.Abstractions.Runtime;

namespace ECommerce.Grains;

internal static class PersistentStateExtensions
{
    /// <summary>Sets and writes <paramref name="next"/> with the records staged before. A failed write leaves memory ahead
    /// of storage only until the runtime reloads the state before the next turn.</summary>
    public static Task CommitAsync<TState>(this IPersistentState<TState> state, TState next) where TState : class
    {
        state.State = next;
        return state.WriteStateAsync();
    }
}
