using ECommerce.Grains.Abstractions.Commerce;
using ECommerce.Grains.Persistence;

namespace ECommerce.Grains;

/// <summary>Who owns an address. A claim is written before its user is, so a claim may name a user whose
/// registration never got stored: the user grain is asked before such a claim is refused.</summary>
[GenerateSerializer, Immutable]
public sealed record EmailState
{
    [Id(0)]
    public long? OwnerUserId { get; init; }
}

public sealed class EmailGrain([PersistentState("email", GrainStorage.Name)] IPersistentState<EmailState> state)
    : Grain, IEmailGrain
{
    private readonly IPersistentState<EmailState> _state = state;

    public async Task ClaimAsync(long userId)
    {
        if (_state.State.OwnerUserId == userId)
        {
            return;
        }

        if (_state.State.OwnerUserId is { } owner
            && await GrainFactory.GetGrain<IUserGrain>(owner).IsRegisteredWithAsync(this.GetPrimaryKeyString()))
        {
            throw DomainErrors.Conflict(DomainErrors.EmailTaken,
                $"The email {this.GetPrimaryKeyString()} is already used by another user.");
        }

        // Free, or claimed by a registration that was never stored (its process died in between).
        await _state.CommitAsync(_state.State with { OwnerUserId = userId }, GrainContext);
    }

    public async Task ReleaseAsync(long userId)
    {
        if (_state.State.OwnerUserId != userId)
        {
            return;
        }

        await _state.CommitAsync(_state.State with { OwnerUserId = null }, GrainContext);
    }

    public Task<long?> GetOwnerAsync() => Task.FromResult(_state.State.OwnerUserId);
}
