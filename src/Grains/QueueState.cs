using System.Collections.Immutable;
using ECommerce.Grains.Abstractions.Commerce;

namespace ECommerce.Grains;

/// <summary>One user's place in a waiting room; its position is its index in <see cref="QueueState.Entries"/> + 1.</summary>
[GenerateSerializer, Immutable]
public sealed record QueueEntry(string Token, long UserId, DateTimeOffset ArrivedAt);

/// <summary>A waiting room: its tokens in arrival order and the admissions decided so far. Admissions are a prefix
/// of the tokens (arrival order), cut into one batch per interval boundary, so no token is admitted twice and no
/// boundary admits more than <see cref="QueueSettings.AdmitPerInterval"/>. Who is admitted at a boundary depends
/// only on the tokens that arrived before it, so catching up late (on whichever call comes first after a boundary)
/// decides exactly what a timer firing on the dot would have.</summary>
[GenerateSerializer, Immutable]
public sealed record QueueState
{
    [Id(0)]
    public bool IsOpen { get; init; }

    [Id(1)]
    public QueueSettings Settings { get; init; } = new(1, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1));

    /// <summary>Boundaries are <c>Epoch + k × Interval</c>, k = 1, 2, ...; the epoch is the last opening or settings change.</summary>
    [Id(2)]
    public DateTimeOffset Epoch { get; init; }

    /// <summary>The k of the last boundary that admitted anyone; later batches use later boundaries only.</summary>
    [Id(3)]
    public long LastBoundary { get; init; }

    [Id(4)]
    public ImmutableList<QueueEntry> Entries { get; init; } = [];

    [Id(5)]
    public ImmutableList<QueueAdmission> Admissions { get; init; } = [];

    [Id(6)]
    public DateTimeOffset OpenedAt { get; init; }

    public int Admitted => Admissions.IsEmpty ? 0 : Admissions[^1].UpToPosition;

    public static readonly QueueState Closed = new();

    public static void Validate(QueueSettings settings)
    {
        if (settings.AdmitPerInterval is < 1 or > QueueSettings.MaxAdmitPerInterval)
        {
            throw DomainErrors.Validation($"admitPerInterval must be 1..{QueueSettings.MaxAdmitPerInterval}.");
        }

        if (settings.Interval < QueueSettings.MinInterval || settings.Interval > QueueSettings.MaxInterval)
        {
            throw DomainErrors.Validation(
                $"interval must be {QueueSettings.MinInterval.TotalSeconds}..{QueueSettings.MaxInterval.TotalSeconds} seconds.");
        }

        if (settings.AdmissionWindow < QueueSettings.MinAdmissionWindow || settings.AdmissionWindow > QueueSettings.MaxAdmissionWindow)
        {
            throw DomainErrors.Validation(
                $"admissionWindow must be {QueueSettings.MinAdmissionWindow.TotalSeconds}..{QueueSettings.MaxAdmissionWindow.TotalSeconds} seconds.");
        }
    }

    /// <summary>Opens the room, or changes a open room's settings: what the old settings admitted up to now stays
    /// admitted, and the new intervals count from now.</summary>
    public QueueState Open(QueueSettings settings, DateTimeOffset now)
    {
        Validate(settings);
        if (IsOpen && Settings == settings)
        {
            // A repeated PUT (a retry) changes nothing: the waiting keep their place in the intervals' count.
            return CatchUp(now);
        }

        var current = IsOpen ? CatchUp(now) : Closed with { OpenedAt = now };
        return current with { IsOpen = true, Settings = settings, Epoch = now, LastBoundary = 0 };
    }

    public QueueState Join(QueueEntry entry)
    {
        if (Entries.Count >= IQueueGrain.MaxTokens)
        {
            throw DomainErrors.Conflict(DomainErrors.QueueFull, $"The waiting room holds {IQueueGrain.MaxTokens} tokens, its limit.");
        }

        // Arrival order is list order; a clock that stepped back (another node) never puts a later token before an earlier one.
        var arrivedAt = Entries.IsEmpty || entry.ArrivedAt >= Entries[^1].ArrivedAt ? entry.ArrivedAt : Entries[^1].ArrivedAt;
        return this with { Entries = Entries.Add(entry with { ArrivedAt = arrivedAt }) };
    }

    /// <summary>Applies every boundary passed by <paramref name="now"/>: at each, the next at most N waiting tokens that
    /// arrived before it. Returns this same instance when nothing changed.</summary>
    public QueueState CatchUp(DateTimeOffset now)
    {
        if (!IsOpen)
        {
            return this;
        }

        var admitted = Admitted;
        var boundary = LastBoundary;
        var admissions = Admissions;
        var interval = Settings.Interval.Ticks;
        while (admitted < Entries.Count)
        {
            var arrival = Entries[admitted].ArrivedAt;
            // The first boundary strictly after the next token's arrival (one arriving on a boundary waits for the next).
            var sinceEpoch = (arrival - Epoch).Ticks;
            var firstAfter = sinceEpoch < 0 ? 1 : sinceEpoch / interval + 1;
            var k = Math.Max(boundary + 1, firstAfter);
            var at = Epoch + TimeSpan.FromTicks(k * interval);
            if (at > now)
            {
                break;
            }

            var count = 0;
            while (admitted + count < Entries.Count && count < Settings.AdmitPerInterval
                   && Entries[admitted + count].ArrivedAt < at)
            {
                count++;
            }

            admitted += count;
            boundary = k;
            admissions = admissions.Add(new QueueAdmission(at, admitted));
        }

        return boundary == LastBoundary ? this : this with { LastBoundary = boundary, Admissions = admissions };
    }

    /// <summary>When the token at <paramref name="position"/> was admitted, or null while it waits.</summary>
    public DateTimeOffset? AdmittedAt(int position)
    {
        if (position > Admitted)
        {
            return null;
        }

        // The first batch whose last position reaches it.
        int low = 0, high = Admissions.Count - 1;
        while (low < high)
        {
            var middle = (low + high) / 2;
            if (Admissions[middle].UpToPosition >= position)
            {
                high = middle;
            }
            else
            {
                low = middle + 1;
            }
        }

        return Admissions[low].At;
    }

    public QueueTokenView ViewOf(int position, DateTimeOffset now)
    {
        var entry = Entries[position - 1];
        var admittedAt = AdmittedAt(position);
        var until = admittedAt + Settings.AdmissionWindow;
        var status = admittedAt is null ? QueueTokenStatus.Waiting
            : now < until ? QueueTokenStatus.Admitted
            : QueueTokenStatus.Expired;
        return new QueueTokenView(entry.Token, status, position, admittedAt is null ? position - Admitted - 1 : 0,
            entry.ArrivedAt, admittedAt, until);
    }
}
