using ECommerce.Grains.Abstractions.Commerce;
using ECommerce.Grains.Persistence;

namespace ECommerce.Grains;

[GenerateSerializer, Immutable]
public sealed record IdempotencyState
{
    [Id(0)]
    public string? RequestHash { get; init; }

    [Id(1)]
    public long? ReservedId { get; init; }

    [Id(2)]
    public IdempotentResponse? Response { get; init; }
}

public sealed class IdempotencyGrain(
    [PersistentState("idempotency", GrainStorage.Name)] IPersistentState<IdempotencyState> state,
    TimeProvider timeProvider,
    IClusterMembershipService membership) : Grain, IIdempotencyGrain
{
    // A running mark older than this belongs to a caller that gave up (its grain calls time out well before).
    private static readonly TimeSpan RunningLease = TimeSpan.FromMinutes(2);

    private readonly IPersistentState<IdempotencyState> _state = state;

    private DateTimeOffset? _runningSince;
    private SiloAddress? _runner;

    public async Task<IdempotencyTicket> BeginAsync(string requestHash, string? idSequence = null, SiloAddress? runner = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(requestHash);
        var stored = _state.State;
        if (stored.RequestHash is not null && stored.RequestHash != requestHash)
        {
            return new IdempotencyTicket(IdempotencyOutcome.KeyReused, null, null);
        }

        if (stored.Response is not null)
        {
            return new IdempotencyTicket(IdempotencyOutcome.Completed, stored.ReservedId, stored.Response);
        }

        var now = timeProvider.GetUtcNow();
        if (_runningSince is { } since && now - since < RunningLease && !RunnerIsDead())
        {
            return new IdempotencyTicket(IdempotencyOutcome.InProgress, stored.ReservedId, null);
        }

        if (stored.RequestHash is null)
        {
            // The fingerprint and the reserved id are stored before the request runs, so a retry reuses the id.
            var reservedId = idSequence is null
                ? (long?)null
                : await GrainFactory.GetGrain<IIdAllocatorGrain>(idSequence).NextIdAsync();
            await _state.CommitAsync(new IdempotencyState { RequestHash = requestHash, ReservedId = reservedId }, GrainContext);
        }

        _runningSince = now;
        _runner = runner;
        return new IdempotencyTicket(IdempotencyOutcome.Started, _state.State.ReservedId, null);
    }

    // A run whose silo died will never complete or abandon its mark; the steps it drove are idempotent, so a retry
    // finishes them.
    private bool RunnerIsDead() =>
        _runner is { } runner && membership.CurrentSnapshot.GetSiloStatus(runner) == SiloStatus.Dead;

    public async Task CompleteAsync(string requestHash, IdempotentResponse response)
    {
        if (_state.State.RequestHash != requestHash || _state.State.Response is not null)
        {
            return;
        }

        await _state.CommitAsync(_state.State with { Response = response }, GrainContext);
        _runningSince = null;
    }

    public Task AbandonAsync(string requestHash)
    {
        if (_state.State.RequestHash == requestHash)
        {
            _runningSince = null;
        }

        return Task.CompletedTask;
    }
}
