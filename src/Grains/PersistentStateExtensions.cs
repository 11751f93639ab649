using ECommerce.Grains.Abstractions.Runtime;

namespace ECommerce.Grains;

internal static class PersistentStateExtensions
{
    /// <summary>Sets and writes <paramref name="next"/> (with the records staged before); when the write fails the
    /// in-memory state goes back to what is stored, so a later write can never persist the failed change.</summary>
    public static async Task CommitAsync<TState>(this IPersistentState<TState> state, TState next)
        where TState : class
    {
        var previous = state.State;
        state.State = next;
        try
        {
            await state.WriteStateAsync();
        }
        catch (Exception)
        {
            state.State = previous;
            throw;
        }
    }
}
