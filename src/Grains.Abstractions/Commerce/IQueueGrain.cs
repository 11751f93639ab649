using Orleans.Runtime;

namespace ECommerce.Grains.Abstractions.Commerce;

/// <summary>What a waiting room can stand in front of.</summary>
public enum QueueKind
{
    Coupons,
    Products,
}

/// <summary>A coupon or a product, as the waiting room's key: <c>coupons:5</c>, <c>products:7</c>.</summary>
[GenerateSerializer, Immutable]
public sealed record QueueTarget(QueueKind Kind, long Id)
{
    public string Key => $"{(Kind == QueueKind.Coupons ? "coupons" : "products")}:{Id}";

    public static QueueTarget Parse(string key)
    {
        var separator = key.IndexOf(':', StringComparison.Ordinal);
        var kind = separator > 0 ? key[..separator] : "";
        return kind switch
        {
            "coupons" when long.TryParse(key[(separator + 1)..], out var id) => new QueueTarget(QueueKind.Coupons, id),
            "products" when long.TryParse(key[(separator + 1)..], out var id) => new QueueTarget(QueueKind.Products, id),
            _ => throw new ArgumentException($"'{key}' is not a waiting room key.", nameof(key)),
        };
    }
}

/// <summary>At every interval boundary after <see cref="QueueView.OpenedAt"/>, the next at most
/// <see cref="AdmitPerInterval"/> waiting tokens that arrived before that boundary are admitted, each for
/// <see cref="AdmissionWindow"/>.</summary>
[GenerateSerializer, Immutable]
public sealed record QueueSettings(int AdmitPerInterval, TimeSpan Interval, TimeSpan AdmissionWindow)
{
    public const int MaxAdmitPerInterval = 100_000;
    public static readonly TimeSpan MinInterval = TimeSpan.FromMilliseconds(100);
    public static readonly TimeSpan MaxInterval = TimeSpan.FromHours(1);
    public static readonly TimeSpan MinAdmissionWindow = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan MaxAdmissionWindow = TimeSpan.FromDays(1);
}

/// <summary>One boundary's admissions: tokens at positions up to <see cref="UpToPosition"/> were admitted at
/// <see cref="At"/> (those after the previous batch's position).</summary>
[GenerateSerializer, Immutable]
public sealed record QueueAdmission(DateTimeOffset At, int UpToPosition);

[GenerateSerializer, Immutable]
public sealed record QueueView(QueueTarget Target, QueueSettings Settings, DateTimeOffset OpenedAt, int Tokens,
    int Admitted, IReadOnlyList<QueueAdmission> Admissions);

/// <summary>A user's place: <paramref name="Created"/> is false when the user already held this token.</summary>
[GenerateSerializer, Immutable]
public sealed record QueueTicket(string Token, int Position, bool Created);

public enum QueueTokenStatus
{
    Waiting,
    Admitted,
    Expired,
}

[GenerateSerializer, Immutable]
public sealed record QueueTokenView(string Token, QueueTokenStatus Status, int Position, int WaitingAhead,
    DateTimeOffset ArrivedAt, DateTimeOffset? AdmittedAt, DateTimeOffset? AdmittedUntil);

/// <summary>What the waiting room says of a token presented at its gate.</summary>
public enum QueuePassCheck
{
    Admitted,
    Missing,
    Unknown,
    Waiting,
    Expired,
    /// <summary>No waiting room is open: the gate's flag is behind (it is turned off before the room closes).</summary>
    Closed,
}

/// <summary>The waiting room of one coupon or product, keyed by <see cref="QueueTarget.Key"/>; one activation in the
/// cluster decides every admission. Calls <see cref="ICouponGrain"/> / <see cref="IProductGrain"/> only to check they
/// exist and to turn their gate on and off (<see cref="IQueueGatedGrain"/>), which call back only
/// <see cref="CheckPassAsync"/> (both sides reentrant, so no deadlock).</summary>
public interface IQueueGrain : IGrainWithStringKey
{
    /// <summary>Tokens one room holds at most; more are refused with QUEUE_FULL.</summary>
    public const int MaxTokens = 100_000;

    /// <summary>Opens the room (or changes its settings, keeping its tokens and admissions; the intervals then count
    /// from now), then turns the target's gate on. Answered once both are stored.</summary>
    /// <exception cref="DomainException">VALIDATION_FAILED, COUPON_NOT_FOUND, PRODUCT_NOT_FOUND.</exception>
    Task<QueueView> OpenAsync(QueueSettings settings);

    /// <summary>Turns the target's gate off, then forgets the room and its tokens; a no-op when none is open.</summary>
    Task CloseAsync();

    /// <exception cref="DomainException">QUEUE_NOT_FOUND.</exception>
    Task<QueueView> GetAsync();

    /// <summary>The user's token, in arrival order; the same token again for a user who has one (any status).</summary>
    /// <exception cref="DomainException">QUEUE_NOT_FOUND, QUEUE_FULL.</exception>
    Task<QueueTicket> TakeTokenAsync(long userId);

    /// <summary>The token's status; another user's token, like an unknown one, is QUEUE_TOKEN_NOT_FOUND.</summary>
    /// <exception cref="DomainException">QUEUE_NOT_FOUND, QUEUE_TOKEN_NOT_FOUND.</exception>
    Task<QueueTokenView> GetTokenAsync(long userId, string token);

    /// <summary>Whether the user's token lets them through the gate now.</summary>
    Task<QueuePassCheck> CheckPassAsync(long userId, string? token);
}

/// <summary>A coupon or product that a waiting room can stand in front of. The flag lives in the grain the hot path
/// already calls, so a target with no room pays nothing more.</summary>
public interface IQueueGatedGrain : IGrainWithIntegerKey
{
    /// <summary>Turning it on needs the target to exist; turning it off never fails for a missing one.</summary>
    /// <exception cref="DomainException">COUPON_NOT_FOUND, PRODUCT_NOT_FOUND (turning on).</exception>
    Task SetQueueGateAsync(bool on);
}

/// <summary>The <c>Queue-Token</c> a request presented, and its user, carried along the grain calls the request makes
/// (Orleans's <see cref="RequestContext"/>), so the gates deep in the call chain see it without every method
/// signature on the way taking it.</summary>
public static class QueuePass
{
    public const string Header = "Queue-Token";
    private const string TokenKey = "ecommerce.queue.token";
    private const string UserKey = "ecommerce.queue.user";

    /// <summary>Called by the HTTP edge for the signed-in user it already checked.</summary>
    public static void Attach(long userId, string? token)
    {
        if (string.IsNullOrWhiteSpace(token))
        {
            RequestContext.Remove(TokenKey);
            RequestContext.Remove(UserKey);
            return;
        }

        RequestContext.Set(TokenKey, token.Trim());
        RequestContext.Set(UserKey, userId);
    }

    public static string? Token => RequestContext.Get(TokenKey) as string;

    public static long? UserId => RequestContext.Get(UserKey) as long?;
}
