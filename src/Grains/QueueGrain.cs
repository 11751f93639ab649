using System.Buffers.Text;
using System.Security.Cryptography;
using ECommerce.Grains.Abstractions.Commerce;
using ECommerce.Grains.Persistence;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;

namespace ECommerce.Grains;

/// <summary>A flash sale's waiting room. Reentrant with group commit, so 10,000 users taking tokens at once share a
/// few writes; every method decides and changes state with no await in between. Admission needs no timer: each call
/// first catches up on the interval boundaries passed (<see cref="QueueState.CatchUp"/>), and a call that admitted
/// anyone waits until that is stored before it answers.</summary>
[Reentrant]
public sealed class QueueGrain(
    [PersistentState("queue", GrainStorage.Name)] IPersistentState<QueueState> state,
    IOptions<GroupCommitOptions> groupCommit,
    TimeProvider timeProvider) : Grain, IQueueGrain
{
    private GroupCommit<QueueState> _commit = null!;

    // Opening and closing call the target grain between their steps; one at a time keeps them in order.
    private readonly SemaphoreSlim _admin = new(1, 1);

    // Position by user and by token. Rebuilt on activation; after a failed write memory can hold entries that storage
    // lost, so every hit is checked against the state before it is used.
    private readonly Dictionary<long, int> _byUser = [];
    private readonly Dictionary<string, int> _byToken = new(StringComparer.Ordinal);

    private QueueTarget Target => QueueTarget.Parse(this.GetPrimaryKeyString());

    private DateTimeOffset Now => timeProvider.GetUtcNow();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _commit = new GroupCommit<QueueState>(state, GrainContext, groupCommit.Value);
        var entries = _commit.State.Entries;
        for (var i = 0; i < entries.Count; i++)
        {
            _byUser[entries[i].UserId] = i + 1;
            _byToken[entries[i].Token] = i + 1;
        }

        return Task.CompletedTask;
    }

    public async Task<QueueView> OpenAsync(QueueSettings settings)
    {
        QueueState.Validate(settings);
        await _admin.WaitAsync();
        try
        {
            var target = Target;
            // COUPON_NOT_FOUND / PRODUCT_NOT_FOUND before anything is stored.
            if (target.Kind == QueueKind.Coupons)
            {
                await GrainFactory.GetGrain<ICouponGrain>(target.Id).GetAsync();
            }
            else
            {
                await GrainFactory.GetGrain<IProductGrain>(target.Id).GetAsync();
            }

            await _commit.WhenReadyAsync();
            var opened = _commit.State.Open(settings, Now);
            await _commit.CommitAsync(opened);
            // The room first, then the gate: a gate never points at a room that is not stored.
            await Gate(target).SetQueueGateAsync(true);
            return ToView(_commit.State);
        }
        finally
        {
            _admin.Release();
        }
    }

    public async Task CloseAsync()
    {
        await _admin.WaitAsync();
        try
        {
            // The gate first, then the room: once this answers, nothing is gated; until then everything still is.
            await Gate(Target).SetQueueGateAsync(false);
            await _commit.WhenReadyAsync();
            if (!_commit.State.IsOpen)
            {
                await _commit.WhenDurableAsync();
                return;
            }

            await _commit.CommitAsync(QueueState.Closed);
            // Only once stored: a failed write reloads the open room, whose tokens must still be found.
            _byUser.Clear();
            _byToken.Clear();
        }
        finally
        {
            _admin.Release();
        }
    }

    public async Task<QueueView> GetAsync()
    {
        var room = await CaughtUpAsync();
        return ToView(room);
    }

    public async Task<QueueTicket> TakeTokenAsync(long userId)
    {
        if (userId <= 0)
        {
            throw DomainErrors.Validation("userId must be positive.");
        }

        await _commit.WhenReadyAsync();
        var room = Existing();
        if (PositionOfUser(room, userId) is { } held)
        {
            await _commit.WhenDurableAsync();
            return new QueueTicket(room.Entries[held - 1].Token, held, Created: false);
        }

        var token = NewToken();
        var joined = room.Join(new QueueEntry(token, userId, Now));
        var position = joined.Entries.Count;
        _byUser[userId] = position;
        _byToken[token] = position;
        await _commit.CommitAsync(joined);
        return new QueueTicket(token, position, Created: true);
    }

    public async Task<QueueTokenView> GetTokenAsync(long userId, string token)
    {
        var room = await CaughtUpAsync();
        return PositionOfToken(room, userId, token) is { } position
            ? room.ViewOf(position, Now)
            : throw DomainErrors.NotFound(DomainErrors.QueueTokenNotFound, "Waiting-room token", token);
    }

    public async Task<QueuePassCheck> CheckPassAsync(long userId, string? token)
    {
        await _commit.WhenReadyAsync();
        if (!_commit.State.IsOpen)
        {
            return QueuePassCheck.Closed;
        }

        if (string.IsNullOrEmpty(token))
        {
            return QueuePassCheck.Missing;
        }

        var room = await CaughtUpAsync();
        if (PositionOfToken(room, userId, token) is not { } position)
        {
            return QueuePassCheck.Unknown;
        }

        return room.ViewOf(position, Now).Status switch
        {
            QueueTokenStatus.Admitted => QueuePassCheck.Admitted,
            QueueTokenStatus.Expired => QueuePassCheck.Expired,
            _ => QueuePassCheck.Waiting,
        };
    }

    /// <summary>The open room with every passed boundary applied; stored before it is answered when that admitted anyone.</summary>
    private async Task<QueueState> CaughtUpAsync()
    {
        await _commit.WhenReadyAsync();
        var room = Existing();
        var caughtUp = room.CatchUp(Now);
        if (!ReferenceEquals(caughtUp, room))
        {
            await _commit.CommitAsync(caughtUp);
        }
        else
        {
            // An admission another call made may still be on its way to storage: nothing is answered before it is stored.
            await _commit.WhenDurableAsync();
        }

        return caughtUp;
    }

    private int? PositionOfUser(QueueState room, long userId) =>
        _byUser.TryGetValue(userId, out var position) && position <= room.Entries.Count
        && room.Entries[position - 1].UserId == userId ? position : null;

    private int? PositionOfToken(QueueState room, long userId, string token) =>
        _byToken.TryGetValue(token, out var position) && position <= room.Entries.Count
        && room.Entries[position - 1] is var entry && entry.Token == token && entry.UserId == userId ? position : null;

    private QueueState Existing() =>
        _commit.State.IsOpen
            ? _commit.State
            : throw DomainErrors.NotFound(DomainErrors.QueueNotFound, "Waiting room", this.GetPrimaryKeyString());

    private IQueueGatedGrain Gate(QueueTarget target) =>
        target.Kind == QueueKind.Coupons
            ? GrainFactory.GetGrain<ICouponGrain>(target.Id)
            : GrainFactory.GetGrain<IProductGrain>(target.Id);

    private QueueView ToView(QueueState room) =>
        new(Target, room.Settings, room.OpenedAt, room.Entries.Count, room.Admitted, room.Admissions);

    /// <summary>128 random bits, URL-safe: not derived from the position, the user or the time.</summary>
    private static string NewToken()
    {
        Span<byte> bytes = stackalloc byte[16];
        RandomNumberGenerator.Fill(bytes);
        return Base64Url.EncodeToString(bytes);
    }
}
