using ECommerce.Grains.Abstractions.Commerce;
using ECommerce.Grains.Persistence;
using Orleans.Runtime;

namespace ECommerce.Grains;

/// <summary>Whether a waiting room stands in front of this coupon or product: its own small state next to the
/// grain's, so the grain's main state and its writes stay as they were.</summary>
[GenerateSerializer, Immutable]
public sealed record QueueGateState
{
    [Id(0)]
    public bool On { get; init; }
}

/// <summary>The gate a coupon or product keeps for its waiting room. A request passes when no room is on, or when the
/// <c>Queue-Token</c> it carries (<see cref="QueuePass"/>) is its user's admitted, unexpired token. The caller checks
/// with <see cref="PassAsync"/> before deciding and confirms with <see cref="EnsurePassed"/> in the same turn as its
/// change, so a gate turned on while the request was on its way still stops it.</summary>
internal sealed class QueueGate(IPersistentState<QueueGateState> state, IGrainContext grain, GroupCommitOptions options,
    IGrainFactory grains, QueueTarget target)
{
    private readonly GroupCommit<QueueGateState> _commit = new(state, grain, options);

    public bool IsOn => _commit.State.On;

    public async Task SetAsync(bool on)
    {
        await _commit.WhenReadyAsync();
        if (_commit.State.On == on)
        {
            await _commit.WhenDurableAsync();
            return;
        }

        await _commit.CommitAsync(_commit.State with { On = on });
    }

    /// <summary>True when the request carries an admitted token (or the gate's room is already closed); false when the
    /// gate is off (nothing was checked). <paramref name="userId"/> null: the user the edge attached.</summary>
    /// <exception cref="DomainException">QUEUE_TOKEN_REQUIRED.</exception>
    public Task<bool> PassAsync(long? userId) => IsOn ? CheckAsync(grains, target, userId) : Task.FromResult(false);

    /// <summary>Asks <paramref name="target"/>'s room about the attached pass, whatever the caller's gate says: true when
    /// admitted (or the room is closed by now).</summary>
    /// <exception cref="DomainException">QUEUE_TOKEN_REQUIRED.</exception>
    public static async Task<bool> CheckAsync(IGrainFactory grains, QueueTarget target, long? userId)
    {
        var token = QueuePass.Token;
        var attached = QueuePass.UserId;
        var check = token is null ? QueuePassCheck.Missing
            : attached is null || (userId is { } user && user != attached) ? QueuePassCheck.Unknown
            : await grains.GetGrain<IQueueGrain>(target.Key).CheckPassAsync(attached.Value, token);
        return check is QueuePassCheck.Admitted or QueuePassCheck.Closed ? true : throw Refused(target, check);
    }

    /// <summary>Synchronous, in the turn that changes state: refuses when the gate is on now and nothing was passed.</summary>
    public void EnsurePassed(bool passed)
    {
        if (IsOn && !passed)
        {
            throw Refused(target, QueuePass.Token is null ? QueuePassCheck.Missing : QueuePassCheck.Closed);
        }
    }

    private static DomainException Refused(QueueTarget target, QueuePassCheck check) => DomainErrors.Forbidden(DomainErrors.QueueTokenRequired, check switch
    {
        QueuePassCheck.Missing => $"A waiting room is in front of {target.Key}: send the header {QueuePass.Header} with your admitted token.",
        QueuePassCheck.Unknown => $"The {QueuePass.Header} is not one of your tokens for {target.Key}.",
        QueuePassCheck.Waiting => $"Your {QueuePass.Header} for {target.Key} is still waiting; poll it until it is admitted.",
        QueuePassCheck.Expired => $"Your {QueuePass.Header} for {target.Key} was admitted but its admission window has passed.",
        // Closed here: the room opened while this request was on its way, so its token was never checked.
        _ => $"A waiting room opened in front of {target.Key} while the request was on its way; send it again.",
    });
}
