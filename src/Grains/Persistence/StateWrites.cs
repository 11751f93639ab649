using Orleans.Runtime;

namespace ECommerce.Grains.Persistence;

/// <summary>The write of a non-reentrant grain: one call, one write. A failed write reloads the state, so memory
/// never stays ahead of storage (Orleans leaves it as it was set); if even the reload fails, the activation ends and
/// the next call starts from storage.</summary>
internal static class StateWrites
{
    public static async Task CommitAsync<TState>(this IPersistentState<TState> state, TState next, IGrainContext grain)
    {
        state.State = next;
        try
        {
            await state.WriteStateAsync();
        }
        catch (Exception)
        {
            await ReloadAsync(state, grain);
            throw;
        }
    }

    internal static async Task ReloadAsync<TState>(IPersistentState<TState> state, IGrainContext grain)
    {
        try
        {
            await state.ReadStateAsync();
        }
        catch (Exception reloadError)
        {
            grain.Deactivate(new DeactivationReason(DeactivationReasonCode.ApplicationError, reloadError,
                "The state could not be reloaded after a failed write."));
            throw;
        }
    }
}
