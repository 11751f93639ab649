using ECommerce.Grains.Abstractions.Commerce;
using ECommerce.Grains.Abstractions.Runtime;

namespace ECommerce.Grains;

/// <summary>Who owns an address. With the relational mapping the users table is the durable truth (its email column
/// is unique), so a claim whose user row was never written disappears on reactivation.</summary>
public sealed record EmailState
{
    public long? OwnerUserId { get; init; }
}

public sealed class EmailGrain([PersistentState("email")] IPersistentState<EmailState> state) : Grain, IEmailGrain
{
    private readonly IPersistentState<EmailState> _state = state;

    public async Task ClaimAsync(long userId)
    {
        if (_state.State.OwnerUserId == userId)
        {
            return;
        }

        if (_state.State.OwnerUserId is not null)
        {
            throw DomainErrors.Conflict(DomainErrors.EmailTaken,
                $"The email {GetPrimaryKeyString()} is already used by another user.");
        }

        await _state.CommitAsync(_state.State with { OwnerUserId = userId });
    }

    public async Task ReleaseAsync(long userId)
    {
        if (_state.State.OwnerUserId != userId)
        {
            return;
        }

        await _state.CommitAsync(_state.State with { OwnerUserId = null });
    }

    public Task<long?> GetOwnerAsync() => Task.FromResult(_state.State.OwnerUserId);
}
